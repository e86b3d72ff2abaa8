/**
 * @module A job that fails inside ONNX Runtime answers 500 in the error shape and the runner keeps serving: a
 * model with a fixed 16×16 input (it passes the load-time probe) gets a 20×20 image.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeManifest } from "../src/models/layout.js";
import { GraphBuilder } from "../src/onnx/index.js";
import { createRunnerApp, type RunnerApp } from "../src/server/app.js";
import { memoryLogger, modelsDir, testConfig, testImage, upscaleForm } from "./helpers.js";

function fixedSizeUpscaler(): Uint8Array {
  const g = new GraphBuilder("fixed-16");
  const x = g.input("input", "float32", [1, 3, 16, 16]);
  const scales = g.initializer("scales", "float32", [4], new Float32Array([1, 1, 2, 2]));
  const y = g.node("Resize", [x, "", scales], { mode: "nearest" });
  g.output(
    g.node("Reshape", [y, g.initializer("shape", "int64", [4], BigInt64Array.from([1n, 3n, 32n, 32n]))]),
    "output",
    "float32",
    [1, 3, 32, 32],
  );
  return g.toBytes();
}

describe("inference failure", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let runner: RunnerApp;
  let log: ReturnType<typeof memoryLogger>;
  beforeAll(async () => {
    models = await modelsDir([]);
    const dir = join(models.dir, "test", "fixed-16");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "model.onnx"), fixedSizeUpscaler());
    await writeManifest(dir, { model_id: "test/fixed-16", pipeline: "upscale", tiny: true, source: "test" });
    log = memoryLogger();
    runner = await createRunnerApp(testConfig(models.dir, { modelId: "test/fixed-16" }), log);
    await runner.ready;
  });
  afterAll(async () => {
    await runner.close();
    await models.cleanup();
  });

  it("answers 500 with the reason, then serves the next job", async () => {
    expect(runner.engine.info).toMatchObject({ scale: 2 });
    const bad = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(await testImage(20, 20)) });
    expect(bad.status).toBe(500);
    const { detail } = await bad.json();
    expect(detail.msg).toMatch(/^inference failed: .*(dimension|Got invalid dimensions|input)/i);
    const good = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(await testImage(16, 16)) });
    expect(good.status).toBe(200);
    expect(await (await runner.app.request("/health")).json()).toEqual({ status: "OK" });
  });

  it("logs an error it did not expect with the request id and stack, and answers the usual 500", async () => {
    // A fault outside the domain errors (a bug): the engine's run throws a TypeError once.
    const run = runner.engine.run.bind(runner.engine);
    runner.engine.run = async () => {
      runner.engine.run = run;
      throw new TypeError("a bug in the engine");
    };
    const res = await runner.app.request("/upscale", {
      method: "POST",
      body: upscaleForm(await testImage(16, 16)),
      headers: { "x-request-id": "bug-1" },
    });
    expect(res.status).toBe(500);
    const line = log.lines.find((l) => l.msg === "unhandled error");
    expect(line).toMatchObject({ request_id: "bug-1", path: "/upscale", error: "a bug in the engine" });
    expect(String(line?.stack)).toContain("TypeError: a bug in the engine");
    const good = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(await testImage(16, 16)) });
    expect(good.status).toBe(200);
  });
});
