/**
 * @module The converted UpscalerJS models compute what the original TF.js models compute, on a crop of the real
 * photo the package ships (max abs difference ≤ 1e-4 on the 0..1 scale).
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runLayersModel } from "../../../test/tfjs-reference.js";
import { convertEsrganLayers } from "./convert.js";
import { readLayersModel } from "./tfjs-layers.js";
import { packageRoot, upscalerjsModelJson } from "./upscalerjs.js";

async function photoCrop(size: number) {
  const file = join(packageRoot("@upscalerjs/esrgan-slim"), "assets", "fixture.png");
  const { data } = await sharp(file)
    .removeAlpha()
    .extract({ left: 40, top: 48, width: size, height: size })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

function nhwcToNchw(x: Float32Array, h: number, w: number) {
  const out = new Float32Array(x.length);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) out[c * h * w + i] = x[i * 3 + c]!;
  return out;
}

async function compare(size: "slim" | "thick", scale: number, crop: number, range: 1 | 255) {
  const path = upscalerjsModelJson(size, scale);
  const rgb = await photoCrop(crop);
  const reference = await runLayersModel(path, rgb, crop, crop, range);
  const { onnx } = convertEsrganLayers(await readLayersModel(path), { pixelRange: range, name: "t" });
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({ input: new ort.Tensor("float32", nhwcToNchw(rgb, crop, crop), [1, 3, crop, crop]) });
  await session.release();
  expect(out.output!.dims).toEqual([1, 3, crop * scale, crop * scale]);
  const expected = nhwcToNchw(reference, crop * scale, crop * scale);
  const got = out.output!.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
  console.log(`${size} ×${scale} on a ${crop}² crop: max |ONNX − TF.js| = ${maxDiff.toExponential(2)}`);
  return { maxDiff, spread: Math.max(...expected.slice(0, 5000)) - Math.min(...expected.slice(0, 5000)) };
}

describe("UpscalerJS ESRGAN → ONNX", () => {
  it("slim ×4 matches TF.js on the packaged photo", async () => {
    const { maxDiff, spread } = await compare("slim", 4, 32, 255);
    expect(spread).toBeGreaterThan(0.1);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it("slim ×3 matches TF.js (a different upsampling factor)", async () => {
    const { maxDiff } = await compare("slim", 3, 24, 255);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it("thick ×2 (RRDN: ×0.2 residual scaling, pixel shuffle, 0..1 range) matches TF.js", async () => {
    const { maxDiff, spread } = await compare("thick", 2, 12, 1);
    expect(spread).toBeGreaterThan(0.1);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});
