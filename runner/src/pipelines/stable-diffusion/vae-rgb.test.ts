/**
 * @module The VAE decoder's appended RGB conversion gives the bytes of the JavaScript conversion (`tensorToImage`),
 * for float32 and float16 outputs, and models it cannot take are left alone with the reason.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../models/onnx/graph-builder.js";
import { fromHalfBits, toHalfBits } from "./float16.js";
import { tensorToImage } from "./vae.js";
import { VAE_RGB_OUTPUT, withVaeRgbOutput } from "./vae-rgb.js";

const W = 16;
const H = 8;

/** A decoder stand-in: `sample = latent·w` with w = 1 as an initializer, NCHW [N,3,H,W], float32 or float16. */
function decoder(io: "float32" | "float16"): GraphBuilder {
  const g = new GraphBuilder("decoder");
  const x = g.input("latent_sample", io, ["batch", 3, H, W]);
  const one = io === "float32" ? Float32Array.of(1) : toHalfBits([1]);
  const w = g.initializer("w", io, [1], one as never);
  g.output(g.node("Mul", [x, w]), "sample", io, ["batch", 3, H, W]);
  return g;
}

/** Values around every rounding edge: 0 (127.5, a tie), ±1, beyond ±1, ±∞, tiny ones, and a sweep. */
function values(batch: number): Float32Array {
  const edges = [0, 1, -1, 1.5, -1.5, 7, -7, Infinity, -Infinity, 1e-30, -1e-30, 2 / 255, -2 / 255, 1 / 255];
  return Float32Array.from({ length: batch * 3 * H * W }, (_, i) => edges[i] ?? Math.sin(i * 0.731) * 1.02);
}

async function run(bytes: Uint8Array, io: "float32" | "float16", data: Float32Array, batch: number) {
  const session = await ort.InferenceSession.create(bytes);
  const input =
    io === "float32"
      ? new ort.Tensor("float32", data, [batch, 3, H, W])
      : new ort.Tensor("float16", toHalfBits(data), [batch, 3, H, W]);
  const out = await session.run({ latent_sample: input });
  await session.release();
  return out;
}

describe("withVaeRgbOutput", () => {
  for (const io of ["float32", "float16"] as const) {
    it(`gives the bytes of tensorToImage for a ${io} decoder, batch of 2, NHWC`, async () => {
      const plain = decoder(io).toBytes();
      const fused = withVaeRgbOutput(plain);
      if (!("bytes" in fused)) throw new Error(fused.reason);
      const data = values(2);
      const rgb = (await run(fused.bytes, io, data, 2))[VAE_RGB_OUTPUT] as ort.Tensor;
      expect(rgb.type).toBe("uint8");
      expect(rgb.dims).toEqual([2, H, W, 3]);
      const floats = (await run(plain, io, data, 2)).sample as ort.Tensor;
      const decoded = io === "float32" ? (floats.data as Float32Array) : fromHalfBits(floats.data as Uint16Array);
      const expected = [0, 1].map((i) => tensorToImage(decoded, i, W, H).pixels);
      expect(Buffer.from(rgb.data as Uint8Array)).toEqual(Buffer.concat(expected));
      // Red of the first pixels: the tie at 0 (127.5) goes to the even 128, ±1 to 255 and 0, ±∞ are clipped.
      const red = (x: number) => (rgb.data as Uint8Array)[x * 3];
      expect([0, 1, 2, 7, 8].map(red)).toEqual([128, 255, 0, 255, 0]);
    });
  }

  it("leaves a model with external weights, an old opset or an integer output alone, saying why", () => {
    const split = decoder("float32").toSplitBytes({}, { location: "model.onnx_data", minBytes: 0 });
    expect(withVaeRgbOutput(split.model)).toEqual({ reason: "its weights live in an external data file" });
    expect(withVaeRgbOutput(decoder("float32").toBytes({ opset: 10 }))).toEqual({
      reason: "its opset 10 is below 11",
    });
    const ints = new GraphBuilder("ints");
    ints.output(ints.node("Identity", [ints.input("x", "int32", [1, 3, 2, 2])]), "y", "int32", [1, 3, 2, 2]);
    expect(withVaeRgbOutput(ints.toBytes())).toEqual({ reason: "its output is not float" });
  });
});
