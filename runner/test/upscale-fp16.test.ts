/**
 * @module Export variants load: an upscaler with float16 input and output (as fp16 exports have) is read from the
 * session metadata and gives the float32 model's result within one 8-bit level.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
});
