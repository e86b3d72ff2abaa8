/** @module LoRA parsing, reading (kohya and PEFT keys) and merging, checked against hand-computed matrices. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import { GraphBuilder } from "../onnx/index.js";
import { statusOf } from "../server/http-errors.js";
import {
  DEFAULT_MAX_LORA_BYTES,
  indexWeights,
  type MergedModel,
  mergeLorasIntoModel,
  NotALoraError,
  parseLoras,
  readLora,
  readWeight,
  writeSafetensors,
} from "./index.js";

const root = mkdtempSync(join(tmpdir(), "avs-lora-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function status400(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    expect(statusOf(err)).toBe(400);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error("expected a 400");
}

describe("parseLoras", () => {
  it("accepts an empty field and sorts entries by id", () => {
    expect(parseLoras("")).toEqual([]);
    expect(parseLoras('{"b/x": 1, "a": 0.5}')).toEqual([
      { id: "a", weight: 0.5 },
      { id: "b/x", weight: 1 },
    ]);
  });

  it("refuses bad input with the reason", () => {
    status400(() => parseLoras("{nope"), /loras must be a JSON object .* invalid JSON/);
    status400(() => parseLoras("[1]"), /got an array/);
    status400(() => parseLoras('{"a":1,"b":1,"c":1,"d":1,"e":1}'), /at most 4 LoRAs per request, got 5/);
    status400(() => parseLoras('{"a": -0.1}'), /LoRA "a": weight must be a number from 0 to 100, got -0.1$/);
    status400(() => parseLoras('{"a": "1"}'), /weight must be a number from 0 to 100, got "1"$/);
    // Past 100 the merge can overflow to a black image; past a double's range JSON gives Infinity, not null.
    status400(() => parseLoras('{"a": 100.5}'), /weight must be a number from 0 to 100, got 100.5$/);
    status400(() => parseLoras('{"a": 1e999}'), /weight must be a number from 0 to 100, got Infinity$/);
    status400(() => parseLoras("null"), /loras must be a JSON object .*; got null$/);
    expect(parseLoras('{"a": 100}')).toEqual([{ id: "a", weight: 100 }]);
    for (const id of ["../x", "a/../b", "/etc/passwd", "a\\\\b", ".", "a//b", "", "org/"]) {
      status400(() => parseLoras(JSON.stringify({ [id]: 1 })), /is not allowed: use "name" or "org\/name"/);
    }
  });

  it("takes `name` and `org/name`, and refuses deeper ids such as a model's component folder", () => {
    expect(parseLoras('{"org/my-lora.v2": 1, "pixel_art": 0.5}').map((l) => l.id)).toEqual([
      "org/my-lora.v2",
      "pixel_art",
    ]);
    for (const id of ["tiny/sd-turbo/unet", "a/b/c/d"]) {
      status400(
        () => parseLoras(JSON.stringify({ [id]: 1 })),
        new RegExp(`^LoRA id "${id}" is not allowed: use "name" or "org/name" \\(one or two segments`),
      );
    }
  });
});

/** y = x·W1 (anonymous MatMul weight, [in=3, out=2]) then z = y·W2ᵀ (Gemm transB, named weight [out=2, in=2]). */
function tinyModel(dir: string, external: boolean): string {
  const g = new GraphBuilder("lora-target");
  const x = g.input("x", "float32", [1, 3]);
  const w1 = g.initializer("onnx::MatMul_7", "float32", [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6));
  const y = g.node("MatMul", [x, w1], {}, { name: "/down_blocks.0/attentions.0/proj_in/MatMul" });
  const w2 = g.initializer("mid_block.proj_out.weight", "float32", [2, 2], Float32Array.of(1, 0, 0, 1));
  g.output(g.node("Gemm", [y, w2], { transB: 1 }), "z", "float32", [1, 2]);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "model.onnx");
  if (external) {
    const { model, data } = g.toSplitBytes({}, { location: "model.onnx_data", minBytes: 0 });
    writeFileSync(file, model);
    writeFileSync(join(dir, "model.onnx_data"), data);
  } else writeFileSync(file, g.toBytes());
  return file;
}

function installLora(
  id: string,
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
  file = "pytorch_lora_weights.safetensors",
) {
  mkdirSync(join(root, "models", id), { recursive: true });
  writeFileSync(join(root, "models", id, file), writeSafetensors(tensors, metadata));
}

const models = join(root, "models");
// up [2,1] = [1, 2]ᵀ, down [1,3] = [1, 0, −1], α = 2, r = 1.
installLora("org/peft", {
  "unet.down_blocks.0.attentions.0.proj_in.lora_A.weight": { shape: [1, 3], data: Float32Array.of(1, 0, -1) },
  "unet.down_blocks.0.attentions.0.proj_in.lora_B.weight": { shape: [2, 1], data: Float32Array.of(1, 2) },
  "unet.down_blocks.0.attentions.0.proj_in.alpha": { shape: [], data: Float32Array.of(2) },
});
// Same layer in kohya style plus the Gemm weight: up [2,1] = [1, 1]ᵀ, down [1,2] = [0, 3], α absent → α = r.
installLora("kohya", {
  "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight": { shape: [1, 3], data: Float32Array.of(1, 0, -1) },
  "lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 2) },
  "lora_unet_down_blocks_0_attentions_0_proj_in.alpha": { shape: [], data: Float32Array.of(2) },
  "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 2], data: Float32Array.of(0, 3) },
  "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 1) },
});
installLora(
  "xl",
  {
    "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 2], data: Float32Array.of(0, 3) },
    "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 1) },
  },
  { ss_base_model_version: "sdxl_base_v1-0" },
);
installLora("wide", {
  "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 4], data: new Float32Array(4) },
  "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: new Float32Array(2) },
});
installLora("stranger", {
  "lora_unet_up_blocks_3_attn9_to_v.lora_down.weight": { shape: [1, 2], data: new Float32Array(2) },
  "lora_unet_up_blocks_3_attn9_to_v.lora_up.weight": { shape: [2, 1], data: new Float32Array(2) },
});
installLora("empty", { "something.else": { shape: [1], data: Float32Array.of(1) } });
installLora("nan", {
  "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 2], data: Float32Array.of(0, Number.NaN) },
  "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 1) },
});
installLora("inf-alpha", {
  "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 2], data: Float32Array.of(0, 3) },
  "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 1) },
  "lora_unet_mid_block_proj_out.alpha": { shape: [], data: Float32Array.of(Number.POSITIVE_INFINITY) },
});
// Finite, but ΔW = 1e5 on proj_in: past float16's 65504, well inside float32; 1e37, past float32 at weight 100; and
// 1e61, past float32 in the product itself (up·down), whatever the weight.
for (const [id, v] of [
  ["loud", 1e2],
  ["louder", 1e18],
  ["loudest", 1e30],
] as const) {
  installLora(id, {
    "unet.down_blocks.0.attentions.0.proj_in.lora_A.weight": { shape: [1, 3], data: Float32Array.of(v, v, v) },
    "unet.down_blocks.0.attentions.0.proj_in.lora_B.weight": { shape: [2, 1], data: Float32Array.of(v * 10, v * 10) },
  });
}

/** The merged model's bytes and folder (for its external data) — inline models come back as bytes. */
function materialise(merged: MergedModel | undefined): { bytes: Uint8Array; dir: string; file?: string } {
  if (!merged) throw new Error("nothing merged");
  if (merged.kind === "bytes") return { bytes: merged.bytes, dir: root };
  return { bytes: readFileSync(merged.path), dir: merged.dir, file: merged.path };
}

async function run(model: { bytes: Uint8Array; file?: string }, x: number[]): Promise<number[]> {
  const session = await (model.file
    ? ort.InferenceSession.create(model.file)
    : ort.InferenceSession.create(model.bytes));
  const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [1, 3]) });
  await session.release();
  return Array.from(out.z?.data as Float32Array);
}

describe("readLora", () => {
  it("reads PEFT keys with alpha, kohya keys, and the declared base", () => {
    const peft = readLora(models, { id: "org/peft", weight: 1 });
    expect(peft.layers).toMatchObject([
      { target: "unet", path: "down_blocks.0.attentions.0.proj_in", kohya: false, rank: 1, alpha: 2 },
    ]);
    const kohya = readLora(models, { id: "kohya", weight: 1 });
    expect(kohya.layers.map((l) => [l.path, l.kohya, l.alpha])).toEqual([
      ["down_blocks_0_attentions_0_proj_in", true, 2],
      ["mid_block_proj_out", true, 1],
    ]);
    expect(readLora(models, { id: "xl", weight: 1 }).family).toBe("sdxl");
    expect(kohya.family).toBeUndefined();
  });

  it("refuses empty and escaping LoRAs", () => {
    status400(() => readLora(models, { id: "empty", weight: 1 }), /holds no LoRA layers/);
    status400(() => readLora(join(models, "org"), { id: "../kohya", weight: 1 }), /inside the models directory/);
  });

  it("gives a missing folder and a folder that holds no LoRA one message, and the reason only as its cause", () => {
    mkdirSync(join(models, "model", "unet"), { recursive: true });
    writeFileSync(join(models, "model", "model_index.json"), "{}");
    writeFileSync(join(models, "model", "unet", "model.onnx"), "");
    mkdirSync(join(models, "two"), { recursive: true });
    for (const f of ["unet.safetensors", "vae.safetensors"]) writeFileSync(join(models, "two", f), "");
    writeFileSync(join(models, "plain-file"), "");
    const refusal = (id: string) => {
      try {
        readLora(models, { id, weight: 1 });
      } catch (err) {
        expect(statusOf(err)).toBe(400);
        return { message: (err as Error).message.replace(JSON.stringify(id), "<id>"), cause: (err as Error).cause };
      }
      throw new Error(`expected ${id} to be refused`);
    };
    const missing = refusal("nobody/here");
    expect(missing.message).toBe(
      'LoRA <id>: not installed: a LoRA id is "name" or "org/name", the folder MODEL_DIR/<id>/ holding ' +
        "pytorch_lora_weights.safetensors, adapter_model.safetensors or a single .safetensors file, as " +
        "`avs-runner models fetch <org/name>` installs it",
    );
    const reasons: [string, RegExp][] = [
      ["nobody/here", /ENOENT/],
      ["model", /model holds no \.safetensors file$/],
      ["model/unet", /unet holds no \.safetensors file$/],
      ["org", /org holds no \.safetensors file$/],
      ["two", /two holds 2 \.safetensors files and none is pytorch_lora_weights\.safetensors/],
      ["plain-file", /plain-file is not a folder$/],
    ];
    for (const [id, reason] of reasons) {
      const { message, cause } = refusal(id);
      expect(message).toBe(missing.message);
      expect(cause).toBeInstanceOf(NotALoraError);
      expect((cause as Error).message).toMatch(reason);
    }
  });

  it("refuses a LoRA holding NaN or infinite values, which would turn every image black", () => {
    status400(
      () => readLora(models, { id: "nan", weight: 1 }),
      /^LoRA "nan": layer mid_block_proj_out holds NaN or infinite values; the file is damaged/,
    );
    status400(() => readLora(models, { id: "inf-alpha", weight: 1 }), /layer mid_block_proj_out holds NaN or infinite/);
    // A PEFT adapter_config.json's lora_alpha of 1e400 reads as Infinity.
    writeFileSync(join(root, "models", "org", "peft", "adapter_config.json"), '{"lora_alpha": 1e400}');
    try {
      status400(
        () => readLora(models, { id: "org/peft", weight: 1 }),
        /^LoRA "org\/peft": adapter_config.json's lora_alpha is not a finite number/,
      );
    } finally {
      rmSync(join(root, "models", "org", "peft", "adapter_config.json"));
    }
  });

  it("refuses a file over the limit from its size alone, before reading it", () => {
    // Sparse files of zeros: read, they would fail as "header is not JSON" after seconds of reading.
    const sparse = (id: string, size: number) => {
      mkdirSync(join(models, id), { recursive: true });
      const file = join(models, id, "pytorch_lora_weights.safetensors");
      writeFileSync(file, "");
      truncateSync(file, size);
    };
    sparse("huge", DEFAULT_MAX_LORA_BYTES + 1);
    const started = performance.now();
    status400(
      () => readLora(models, { id: "huge", weight: 1 }),
      /^LoRA "huge": pytorch_lora_weights\.safetensors is 1073741825 bytes \(1 GiB\); this runner reads LoRA files of at most 1073741824 bytes \(1 GiB, MAX_LORA_BYTES\)$/,
    );
    expect(performance.now() - started).toBeLessThan(500);
    sparse("at-limit", 4096);
    status400(() => readLora(models, { id: "at-limit", weight: 1 }, { maxBytes: 4096 }), /header is not JSON/);
    status400(
      () => readLora(models, { id: "at-limit", weight: 1 }, { maxBytes: 4095 }),
      /is 4096 bytes \(4 KiB\); this runner reads LoRA files of at most 4095 bytes \(4 KiB, MAX_LORA_BYTES\)$/,
    );
    const size = statSync(join(models, "kohya", "pytorch_lora_weights.safetensors")).size;
    expect(readLora(models, { id: "kohya", weight: 1 }, { maxBytes: size }).layers).toHaveLength(2);
  });
});

describe("mergeLorasIntoModel", () => {
  for (const external of [false, true]) {
    it(`adds weight·(α/r)·up·down to the anonymous MatMul weight${external ? " (external data)" : ""}`, async () => {
      const file = tinyModel(join(root, external ? "ext" : "inline"), external);
      const lora = readLora(models, { id: "org/peft", weight: 0.5 });
      const merged = mergeLorasIntoModel(file, "unet", [{ lora, weight: 0.5 }]);
      expect(merged?.kind).toBe(external ? "file" : "bytes");
      const m = materialise(merged);
      // scale = 0.5·2/1 = 1; ΔW (out×in) = [[1,0,−1],[2,0,−2]]; W (in×out) = [[1,2],[3,4],[5,6]] → [[2,4],[3,4],[4,4]].
      const model = onnxProto.onnx.ModelProto.decode(m.bytes);
      const ref = indexWeights(model).get("down_blocks.0.attentions.0.proj_in");
      expect(ref?.layout).toBe("in-out");
      expect(Array.from(readWeight(ref?.tensor ?? {}, m.dir))).toEqual([2, 4, 3, 4, 4, 4]);
      // The untouched Gemm weight still comes from the original data file (through a symlink), unchanged.
      expect(Array.from(readWeight(indexWeights(model).get("mid_block.proj_out")?.tensor ?? {}, m.dir))).toEqual([
        1, 0, 0, 1,
      ]);
      expect(await run(m, [1, 1, 1])).toEqual([9, 12]);
      if (merged?.kind === "file") rmSync(merged.dir, { recursive: true, force: true });
    });
  }

  it("merges kohya layers into named Gemm weights, and sums several LoRAs", async () => {
    const file = tinyModel(join(root, "sum"), false);
    const kohya = readLora(models, { id: "kohya", weight: 2 });
    const peft = readLora(models, { id: "org/peft", weight: 1 });
    const merged = mergeLorasIntoModel(file, "unet", [
      { lora: kohya, weight: 2 },
      { lora: peft, weight: 1 },
    ]);
    const bytes = materialise(merged).bytes;
    // proj_in: 2·(2/1)·Δ + 1·(2/1)·Δ = 6Δ → W = [[7,14],[3,4],[-1,-6]]; proj_out: 2·(1/1)·[[0,3],[0,3]] → [[1,6],[0,7]].
    const weights = indexWeights(onnxProto.onnx.ModelProto.decode(bytes));
    expect(Array.from(readWeight(weights.get("down_blocks.0.attentions.0.proj_in")?.tensor ?? {}))).toEqual([
      7, 14, 3, 4, -1, -6,
    ]);
    expect(Array.from(readWeight(weights.get("mid_block.proj_out")?.tensor ?? {}))).toEqual([1, 6, 0, 7]);
    // x = [1,0,0] → y = [7,14] → z = y·W2ᵀ = [7·1+14·6, 14·7] = [91, 98]
    expect(await run({ bytes }, [1, 0, 0])).toEqual([91, 98]);
  });

  it("returns nothing when no layer targets the component", () => {
    const file = tinyModel(join(root, "none"), false);
    expect(
      mergeLorasIntoModel(file, "text_encoder", [{ lora: readLora(models, { id: "kohya", weight: 1 }), weight: 1 }]),
    ).toBeUndefined();
  });

  it("refuses LoRAs whose layers the model lacks or whose shapes differ", () => {
    const file = tinyModel(join(root, "bad"), false);
    status400(
      () => mergeLorasIntoModel(file, "unet", [{ lora: readLora(models, { id: "wide", weight: 1 }), weight: 1 }]),
      /layer mid_block.proj_out: up \[2×1\] · down \[1×4\] do not fit this model's weight \[2×2\] — is the LoRA for/,
    );
    status400(
      () => mergeLorasIntoModel(file, "unet", [{ lora: readLora(models, { id: "stranger", weight: 1 }), weight: 1 }]),
      /layer up_blocks_3_attn9_to_v is not in this model's unet/,
    );
  });
});

/** The MatMul of {@link tinyModel} with float16 weights, in folder `name`; the path of its model.onnx. */
async function fp16Model(name: string): Promise<string> {
  const { toHalfBits } = await import("../onnx/float16.js");
  const g = new GraphBuilder(name);
  const x = g.input("x", "float16", [1, 3]);
  const w = g.initializer("onnx::MatMul_9", "float16", [3, 2], toHalfBits([1, 2, 3, 4, 5, 6]));
  g.output(
    g.node("MatMul", [x, w], {}, { name: "/down_blocks.0/attentions.0/proj_in/MatMul" }),
    "z",
    "float16",
    [1, 2],
  );
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.onnx"), g.toBytes());
  return join(dir, "model.onnx");
}

it("merges into float16 initializers in their own type", async () => {
  const file = await fp16Model("fp16");
  const merged = mergeLorasIntoModel(file, "unet", [
    { lora: readLora(models, { id: "org/peft", weight: 0.5 }), weight: 0.5 },
  ]);
  const bytes = materialise(merged).bytes;
  const ref = indexWeights(onnxProto.onnx.ModelProto.decode(bytes)).get("down_blocks.0.attentions.0.proj_in");
  expect(ref?.tensor.dataType).toBe(10);
  expect(Array.from(readWeight(ref?.tensor ?? {}))).toEqual([2, 4, 3, 4, 4, 4]);
});

it("refuses a merge whose weights would leave their type's range, naming the LoRAs and the layer", async () => {
  const file16 = await fp16Model("fp16-overflow");
  const loud = readLora(models, { id: "loud", weight: 1 });
  const peft = readLora(models, { id: "org/peft", weight: 0.5 });
  status400(
    () =>
      mergeLorasIntoModel(file16, "unet", [
        { lora: loud, weight: 1 },
        { lora: peft, weight: 0.5 },
      ]),
    /^LoRA "loud" at weight 1 \+ "org\/peft" at weight 0.5: layer down_blocks.0.attentions.0.proj_in of this model's unet would hold values beyond the range of its float16 \(±65504\) weights; use a smaller weight$/,
  );
  // The same LoRA fits a float32 model; a far louder one does not at weight 100, though it does at weight 1.
  const file = tinyModel(join(root, "f32-overflow"), false);
  expect(mergeLorasIntoModel(file, "unet", [{ lora: loud, weight: 1 }])?.kind).toBe("bytes");
  const louder = readLora(models, { id: "louder", weight: 100 });
  expect(mergeLorasIntoModel(file, "unet", [{ lora: louder, weight: 1 }])?.kind).toBe("bytes");
  status400(
    () => mergeLorasIntoModel(file, "unet", [{ lora: louder, weight: 100 }]),
    /beyond the range of its float32 weights; use a smaller weight$/,
  );
  // A product past float32 itself is the file's fault at any weight, 0 included: no smaller weight to suggest.
  const loudest = readLora(models, { id: "loudest", weight: 0 });
  status400(
    () => mergeLorasIntoModel(file, "unet", [{ lora: loudest, weight: 0 }]),
    /^LoRA "loudest": layer down_blocks.0.attentions.0.proj_in's up and down matrices multiply past float32's range; the file is damaged$/,
  );
});
