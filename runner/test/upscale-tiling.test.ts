/**
 * @module Tiles on the real slim ×4 model through the runner: a photo upscaled in 32 px tiles (the overlap grows to
 * the model's receptive radius, 10 px) equals the same photo upscaled in one piece.
 */
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/models/esrgan/upscalerjs.js";
import { createRunnerApp, type RunnerApp } from "../src/server/app.js";
import { decodeDataUrl, memoryLogger, modelsDir, testConfig, upscaleForm } from "./helpers.js";

describe("tiled upscaling with real weights", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  const runners: RunnerApp[] = [];
  beforeAll(async () => {
    models = await modelsDir(["upscalerjs/esrgan-slim-x4"]);
  });
  afterAll(async () => {
    for (const r of runners) await r.close();
    await models.cleanup();
  });

  async function upscale(tileSize: number, tileOverlap: number, png: Uint8Array) {
    const runner = await createRunnerApp(
      testConfig(models.dir, { modelId: "upscalerjs/esrgan-slim-x4", tileSize, tileOverlap }),
      memoryLogger(),
    );
    runners.push(runner);
    await runner.ready;
    const res = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(png) });
    expect(res.status).toBe(200);
    return { runner, image: await decodeDataUrl((await res.json()).images[0].url) };
  }

  it("is seamless: tiled output equals untiled output", async () => {
    const photo = join(packageRoot("@upscalerjs/esrgan-slim"), "assets", "fixture.png");
    const png = new Uint8Array(
      await sharp(photo).removeAlpha().extract({ left: 20, top: 30, width: 72, height: 56 }).png().toBuffer(),
    );
    const whole = await upscale(1024, 0, png);
    const tiled = await upscale(32, 0, png);
    expect(tiled.runner.engine.info).toMatchObject({ receptive_radius: 10, tile_overlap: 10 });
    expect([tiled.image.width, tiled.image.height]).toEqual([288, 224]);
    let maxDiff = 0;
    for (let i = 0; i < whole.image.pixels.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(whole.image.pixels[i]! - tiled.image.pixels[i]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
  });
});
