/**
 * @module Export variants load: an upscaler with float16 input and output (as fp16 exports have) is read from the
 * session metadata and gives the float32 model's result within one 8-bit level; one whose weights live in an
 * external data file (which graph surgery cannot take, so its pixels are converted in JS) gives the same result as
 * the session that speaks 8-bit RGB.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyEsrganModel } from "../src/models/factory/esrgan-tiny.js";
import { writeManifest } from "../src/models/layout.js";
import { createRunnerApp, type RunnerApp } from "../src/server/app.js";
import { decodeDataUrl, memoryLogger, modelsDir, testConfig, testImage, upscaleForm } from "./helpers.js";

describe("float16 upscaler", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  const runners: RunnerApp[] = [];
  beforeAll(async () => {
    models = await modelsDir();
    const dir = join(models.dir, "test", "esrgan-x4-fp16");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "model.onnx"), tinyEsrganModel(4, 1234, "float16"));
    await writeManifest(dir, { model_id: "test/esrgan-x4-fp16", pipeline: "upscale", tiny: true, source: "test" });
    // The same tiny model with its large weights moved to model.onnx_data (small ones stay inline, as exporters do).
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(tinyEsrganModel(4));
    const external = join(models.dir, "test", "esrgan-x4-external");
    await mkdir(external, { recursive: true });
    const data: Buffer[] = [];
    let offset = 0;
    for (const t of model.graph?.initializer ?? []) {
      const bytes = Buffer.from(t.rawData ?? new Uint8Array(0));
      if (bytes.length < 1024) continue;
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [
        { key: "location", value: "model.onnx_data" },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(bytes.length) },
      ];
      data.push(bytes);
      offset += bytes.length;
    }
    expect(offset).toBeGreaterThan(0);
    await writeFile(join(external, "model.onnx"), onnx.ModelProto.encode(model).finish());
    await writeFile(join(external, "model.onnx_data"), Buffer.concat(data));
    await writeManifest(external, {
      model_id: "test/esrgan-x4-external",
      pipeline: "upscale",
      tiny: true,
      source: "test",
    });
  });
  afterAll(async () => {
    for (const r of runners) await r.close();
    await models.cleanup();
  });

  async function upscale(modelId: string, png: Uint8Array) {
    const runner = await createRunnerApp(testConfig(models.dir, { modelId }), memoryLogger());
    runners.push(runner);
    await runner.ready;
    const res = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(png) });
    expect(res.status).toBe(200);
    return { info: runner.engine.info, image: await decodeDataUrl((await res.json()).images[0].url) };
  }

  it("matches the float32 model", async () => {
    const png = await testImage(30, 22);
    const half = await upscale("test/esrgan-x4-fp16", png);
    const full = await upscale("tiny/esrgan-x4", png);
    expect(half.info).toMatchObject({ scale: 4, input_type: "float16" });
    expect(full.info).toMatchObject({ input_type: "float32" });
    let maxDiff = 0;
    for (let i = 0; i < full.image.pixels.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(full.image.pixels[i]! - half.image.pixels[i]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it("converts pixels in JS for a model graph surgery cannot take, with the same result", async () => {
    const png = await testImage(30, 22);
    const js = await upscale("test/esrgan-x4-external", png);
    const fused = await upscale("tiny/esrgan-x4", png);
    expect(js.info).toMatchObject({ scale: 4, pixels_in_graph: false });
    expect(fused.info).toMatchObject({ scale: 4, pixels_in_graph: true });
    let maxDiff = 0;
    for (let i = 0; i < fused.image.pixels.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(fused.image.pixels[i]! - js.image.pixels[i]!));
    }
    // ONNX Runtime may fold ×255 into the model's last multiply: a rare value rounds one level apart.
    expect(maxDiff).toBeLessThanOrEqual(1);
  });
});
