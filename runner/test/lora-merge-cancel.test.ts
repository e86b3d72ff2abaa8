/**
 * @module A client that leaves while its LoRA merges frees the runner at once: the merge reads the job's abort flag
 * between layers and rows, so the next job is served long before the merge would have ended, and the cancelled
 * combination is not cached half-merged (the same LoRAs merge afresh). The tiny SD UNet gets one large extra weight
 * (1024×1024, on a MatMul whose output nothing uses) and the LoRA a rank of 512 on it: about 0.5 G multiply-adds.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { afterAll, expect, it } from "vitest";
import { writeSafetensors } from "../src/lora/index.js";
import { modelsDir, spawnRunner, waitFor } from "./helpers.js";

const { onnx } = onnxProto;
const N = 1024;
const RANK = 512;

const models = await modelsDir(["tiny/sd15"]);
afterAll(() => models.cleanup());

/** tiny/sd15 as org/big, its UNet holding an extra N×N weight a LoRA can target as `extra`. */
function bigModel(dir: string): void {
  cpSync(join(dir, "tiny", "sd15"), join(dir, "org", "big"), { recursive: true });
  const file = join(dir, "org", "big", "unet", "model.onnx");
  const model = onnx.ModelProto.decode(readFileSync(file));
  const tensor = (name: string, dims: number[]) =>
    onnx.TensorProto.create({
      name,
      dims,
      dataType: 1,
      rawData: new Uint8Array(dims.reduce((a, b) => a * b, 1) * 4),
    });
  model.graph?.initializer?.push(tensor("extra.weight", [N, N]), tensor("extra.input", [1, N]));
  model.graph?.node?.push(
    onnx.NodeProto.create({
      name: "/extra/MatMul",
      opType: "MatMul",
      input: ["extra.input", "extra.weight"],
      output: ["extra.output"],
    }),
  );
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  const values = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => s * Math.sin(i + 1));
  mkdirSync(join(dir, "styles", "slow"), { recursive: true });
  writeFileSync(
    join(dir, "styles", "slow", "pytorch_lora_weights.safetensors"),
    writeSafetensors({
      "unet.extra.lora_A.weight": { shape: [RANK, N], data: values(RANK * N, 1e-3) },
      "unet.extra.lora_B.weight": { shape: [N, RANK], data: values(N * RANK, 1e-3) },
    }),
  );
}

it("serves the next job at once when the client of a merging job leaves, and caches no half merge", async () => {
  bigModel(models.dir);
  const runner = spawnRunner({
    PIPELINE: "text-to-image",
    MODEL_ID: "org/big",
    MODEL_DIR: models.dir,
    QUEUE_SIZE: "4",
  });
  try {
    await waitFor(() => runner.lines.some((l) => l.msg === "model loaded"), 60_000, "the model to load");
    const post = (loras: Record<string, number>, signal?: AbortSignal) =>
      fetch(`${runner.url()}/text-to-image`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          prompt: "a cat",
          height: 16,
          width: 16,
          num_inference_steps: 1,
          seed: 1,
          loras: JSON.stringify(loras),
        }),
        ...(signal ? { signal } : {}),
      });
    const timed = async (loras: Record<string, number>) => {
      const started = Date.now();
      const res = await post(loras);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      return Date.now() - started;
    };
    // How long a whole merge takes on this machine now.
    const merge = await timed({ "styles/slow": 0.5 });
    expect(merge).toBeGreaterThan(1000);

    const client = new AbortController();
    const cancelled = post({ "styles/slow": 0.7 }, client.signal).catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, merge / 4)));
    client.abort();
    const left = Date.now();
    expect(await cancelled).toBeInstanceOf(Error);
    await timed({});
    const freedAfter = Date.now() - left;
    expect(freedAfter).toBeLessThan(merge / 2);
    await waitFor(
      () => runner.lines.some((l) => l.msg === "job cancelled: the client disconnected"),
      10_000,
      "the cancellation to be logged",
    );

    // Merged afresh, not served from a half-merged entry: it takes a merge's time again.
    expect(await timed({ "styles/slow": 0.7 })).toBeGreaterThan(merge / 2);
    // Now cached: a repeat costs a job, not a merge.
    expect(await timed({ "styles/slow": 0.7 })).toBeLessThan(merge / 2);
  } finally {
    runner.child.kill("SIGTERM");
    await runner.exited;
  }
}, 180_000);
