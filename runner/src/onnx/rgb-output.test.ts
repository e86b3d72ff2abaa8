/**
 * @module The RGB output added by graph surgery gives the bytes the JS conversion gives: on the tiny upscaler in
 * float32 and float16; in float64 exactly the bytes of the VAE's `tensorToImage` at every rounding edge; with an
 * affine mapping and clipping on a pass-through graph; and it refuses the models it cannot change (external
 * weights, old opsets, non-image outputs) with the reason.
 */
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { tinyEsrganModel } from "../models/factory/esrgan-tiny.js";
import { imageToTensor, tensorToImage } from "../pipelines/stable-diffusion/vae.js";
import { floatChwToRgb } from "../pipelines/upscale/tiling.js";
import { fromHalfBits, toHalfBits } from "./float16.js";
import { GraphBuilder } from "./graph-builder.js";
import { RGB_INPUT, RGB_OUTPUT, withRgbOutput, withRgbPixels } from "./rgb-output.js";

function passThrough(opset = 17): Uint8Array {
  const g = new GraphBuilder("identity");
  g.output(g.node("Identity", [g.input("x", "float32", [1, 3, "H", "W"])]), "y", "float32", [1, 3, "H", "W"]);
  return g.toBytes({ opset });
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return { names: session.outputNames, out: (await session.run(feeds))[session.outputNames[0]!]! };
  } finally {
    await session.release();
  }
}

describe("withRgbOutput", () => {
  it("maps, clips and rounds (half to even) inside the graph, as NHWC bytes", async () => {
    const fused = withRgbOutput(passThrough(), { scale: 127.5, offset: 127.5 });
    expect(fused.reason).toBeUndefined();
    // One row of two pixels; planes R, G, B. -1 → 0, 1 → 255, out of range clips, 0 → 127.5 → 128 (even).
    const x = new ort.Tensor("float32", new Float32Array([-1, 1, -3, 3, 0, 1 / 127.5]), [1, 3, 1, 2]);
    const { names, out } = await run(fused.bytes!, { x });
    expect(names).toEqual([RGB_OUTPUT]);
    expect(out.type).toBe("uint8");
    expect(out.dims).toEqual([1, 1, 2, 3]);
    expect([...(out.data as Uint8Array)]).toEqual([0, 0, 128, 255, 255, 128]);
  });

  it.each(["float32", "float16"] as const)("gives the JS conversion's bytes on the tiny upscaler (%s)", async (io) => {
    const model = tinyEsrganModel(4, 1234, io);
    const fused = withRgbOutput(model, { scale: 255, offset: 0 });
    expect(fused.reason).toBeUndefined();
    const [w, h] = [13, 9];
    const input = Float32Array.from({ length: 3 * w * h }, (_, i) => ((i * 37) % 256) / 255);
    const feed =
      io === "float16"
        ? new ort.Tensor("float16", toHalfBits(input), [1, 3, h, w])
        : new ort.Tensor(input, [1, 3, h, w]);
    const plain = (await run(model, { input: feed })).out;
    const floats = io === "float16" ? fromHalfBits(plain.data as Uint16Array) : (plain.data as Float32Array);
    const expected = floatChwToRgb(floats, w * 4, h * 4);
    const { out } = await run(fused.bytes!, { input: feed });
    expect(out.dims).toEqual([1, h * 4, w * 4, 3]);
    const got = out.data as Uint8Array;
    let off = 0;
    for (let i = 0; i < expected.length; i++) if (got[i] !== expected[i]) off++;
    // ONNX Runtime may fold ×255 into the model's last multiply; the float result can then land on the other
    // side of a .5 for a rare value, never more than one level.
    expect(off).toBeLessThanOrEqual(expected.length / 1000);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1);
  });

  for (const io of ["float32", "float16"] as const) {
    it(`in float64, gives exactly the bytes of the VAE's tensorToImage (${io} decoder, batch of 2)`, async () => {
      const [W, H] = [16, 8];
      // A decoder stand-in: sample = latent·1, NCHW.
      const g = new GraphBuilder("decoder");
      const one = io === "float32" ? Float32Array.of(1) : toHalfBits([1]);
      const x = g.input("latent_sample", io, ["batch", 3, H, W]);
      g.output(g.node("Mul", [x, g.initializer("w", io, [1], one as never)]), "sample", io, ["batch", 3, H, W]);
      const plain = g.toBytes();
      const fused = withRgbOutput(plain, { scale: 127.5, offset: 127.5, precision: "float64" });
      expect(fused.reason).toBeUndefined();
      // Every rounding edge: 0 (127.5, a tie), ±1, beyond ±1, ±∞, tiny values, then a sweep.
      const edges = [0, 1, -1, 1.5, -1.5, 7, -7, Infinity, -Infinity, 1e-30, -1e-30, 2 / 255, -2 / 255, 1 / 255];
      const data = Float32Array.from({ length: 2 * 3 * H * W }, (_, i) => edges[i] ?? Math.sin(i * 0.731) * 1.02);
      const feed = {
        latent_sample:
          io === "float32"
            ? new ort.Tensor(data, [2, 3, H, W])
            : new ort.Tensor("float16", toHalfBits(data), [2, 3, H, W]),
      };
      const { out: rgb } = await run(fused.bytes!, feed);
      expect(rgb.dims).toEqual([2, H, W, 3]);
      const floats = (await run(plain, feed)).out;
      const decoded = io === "float32" ? (floats.data as Float32Array) : fromHalfBits(floats.data as Uint16Array);
      const expected = [0, 1].map((i) => tensorToImage(decoded, i, W, H).pixels);
      expect(Buffer.from(rgb.data as Uint8Array)).toEqual(Buffer.concat(expected));
      // Red of the first pixels: the tie at 0 (127.5) goes to the even 128, ±1 to 255 and 0, ±∞ are clipped.
      expect([0, 1, 2, 7, 8].map((p) => (rgb.data as Uint8Array)[p * 3])).toEqual([128, 255, 0, 255, 0]);
    });
  }

  it.each(["float32", "float16"] as const)(
    "takes NHWC bytes as the JS conversion's x/255 floats (%s input)",
    async (io) => {
      const g = new GraphBuilder("identity");
      g.output(g.node("Identity", [g.input("x", io, [1, 3, "H", "W"])]), "y", io, [1, 3, "H", "W"]);
      const fused = withRgbPixels(g.toBytes(), { input: { divisor: 255 } });
      expect(fused.reason).toBeUndefined();
      // Every 8-bit value, in a 16×16 image whose three channels differ.
      const [w, h] = [16, 16];
      const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) =>
        i % 3 === 0 ? i / 3 : i % 3 === 1 ? 255 - (i - 1) / 3 : (i * 7) % 256,
      );
      const session = await ort.InferenceSession.create(fused.bytes!);
      try {
        expect(session.inputNames).toEqual([RGB_INPUT]);
        const out = (await session.run({ [RGB_INPUT]: new ort.Tensor("uint8", rgb, [1, h, w, 3]) })).y!;
        expect(out.dims).toEqual([1, 3, h, w]);
        const got = io === "float16" ? fromHalfBits(out.data as Uint16Array) : (out.data as Float32Array);
        // What the JS path feeds: CHW planes of value / 255 (in float16 for a float16 model).
        const plane = w * h;
        const chw = new Float32Array(plane * 3);
        for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) chw[c * plane + i] = rgb[i * 3 + c]! / 255;
        const expected = io === "float16" ? fromHalfBits(toHalfBits(chw)) : chw;
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength)).toEqual(Buffer.from(expected.buffer));
      } finally {
        await session.release();
      }
    },
  );

  it.each(["float32", "float16"] as const)(
    "in float64 with an offset, takes NHWC bytes as exactly the VAE encoder's imageToTensor floats (%s input)",
    async (io) => {
      const g = new GraphBuilder("identity");
      g.output(g.node("Identity", [g.input("sample", io, [1, 3, "H", "W"])]), "y", io, [1, 3, "H", "W"]);
      const fused = withRgbPixels(g.toBytes(), { input: { divisor: 127.5, offset: -1, precision: "float64" } });
      expect(fused.reason).toBeUndefined();
      const [w, h] = [16, 16];
      // Every 8-bit value in every channel.
      const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.floor(i / 3) + (i % 3) * 85) % 256);
      const session = await ort.InferenceSession.create(fused.bytes!);
      try {
        const out = (await session.run({ [RGB_INPUT]: new ort.Tensor("uint8", rgb, [1, h, w, 3]) })).y!;
        const got = io === "float16" ? fromHalfBits(out.data as Uint16Array) : (out.data as Float32Array);
        const js = imageToTensor({ width: w, height: h, pixels: rgb });
        const expected = io === "float16" ? fromHalfBits(toHalfBits(js)) : js;
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength)).toEqual(Buffer.from(expected.buffer));
      } finally {
        await session.release();
      }
    },
  );

  it.each([
    ["float32", "float32"],
    ["float32", "float64"],
    ["float16", "float32"],
  ] as const)(
    "maps before the output's trailing moves (a nearest ×2 upsample), with the same bytes (%s output, %s mapping)",
    async (io, precision) => {
      // sample = upsample×2(latent · 1.37): Mul, then Reshape → Expand → Reshape as the tiny temporal decoder ends.
      const g = new GraphBuilder("upsampled");
      const x = g.input("latent", io, ["N", 3, 5, 7]);
      const gain = io === "float32" ? Float32Array.of(1.37) : toHalfBits([1.37]);
      const y = g.node("Mul", [x, g.initializer("gain", io, [1], gain as never)]);
      const ints = (name: string, v: number[]) =>
        g.initializer(name, "int64", [v.length], BigInt64Array.from(v, BigInt));
      const cells = g.node("Reshape", [y, ints("cells", [0, 3, 5, 1, 7, 1])]);
      const blocks = g.node("Expand", [cells, ints("blocks", [1, 3, 5, 2, 7, 2])]);
      g.output(g.node("Reshape", [blocks, ints("full", [-1, 3, 10, 14])]), "sample", io, ["N", 3, 10, 14]);
      const plain = g.toBytes();
      const mapping = { scale: 127.5, offset: 127.5, precision };
      const after = withRgbOutput(plain, mapping);
      const before = withRgbOutput(plain, { ...mapping, beforeDataMovement: true });
      expect(before.reason).toBeUndefined();
      // The conversion's last Cast feeds the first Reshape; the Expand moves bytes.
      const nodes = onnxProto.onnx.ModelProto.decode(before.bytes!).graph!.node!;
      const at = (op: string) => nodes.findIndex((n) => n.opType === op);
      const toBytes = nodes.findIndex((n) => n.opType === "Cast" && Number(n.attribute?.[0]?.i) === 2);
      if (io === "float32") {
        expect(toBytes).toBeLessThan(at("Expand"));
        expect(nodes[at("Reshape")]!.input![0]).toBe(nodes[toBytes]!.output![0]);
      } else {
        // float16 outputs keep the mapping after them (ONNX Runtime would drop a float16 rounding otherwise).
        expect(toBytes).toBeGreaterThan(at("Expand"));
      }
      const data = Float32Array.from(
        { length: 2 * 3 * 5 * 7 },
        (_, i) => Math.sin(i * 0.9) * 0.8 + (i % 5 === 0 ? 2 : 0),
      );
      const feed = {
        latent:
          io === "float32"
            ? new ort.Tensor(data, [2, 3, 5, 7])
            : new ort.Tensor("float16", toHalfBits(data), [2, 3, 5, 7]),
      };
      const expected = (await run(after.bytes!, feed)).out;
      const got = (await run(before.bytes!, feed)).out;
      expect(got.dims).toEqual([2, 10, 14, 3]);
      expect(Buffer.from(got.data as Uint8Array)).toEqual(Buffer.from(expected.data as Uint8Array));
      // A graph whose output only moves its input.
      const identity = withRgbOutput(passThrough(), { ...mapping, beforeDataMovement: true });
      const input = { x: new ort.Tensor("float32", new Float32Array([-1, 1, -3, 3, 0, 1 / 127.5]), [1, 3, 1, 2]) };
      const plainIdentity = (await run(withRgbOutput(passThrough(), mapping).bytes!, input)).out.data;
      expect((await run(identity.bytes!, input)).out.data).toEqual(plainIdentity);
    },
  );

  it.each(["nearest", "linear"] as const)(
    "maps before a %s Resize only when it is nearest, with the same bytes",
    async (mode) => {
      const g = new GraphBuilder("resized");
      const x = g.input("latent", "float32", [1, 3, 4, 6]);
      const y = g.node("Mul", [x, g.initializer("gain", "float32", [1], Float32Array.of(0.93))]);
      const scales = g.initializer("scales", "float32", [4], Float32Array.of(1, 1, 3, 2));
      g.output(g.node("Resize", [y, "", scales], { mode }), "sample", "float32", [1, 3, 12, 12]);
      const plain = g.toBytes({ opset: 13 });
      const mapping = { scale: 127.5, offset: 127.5 };
      const before = withRgbOutput(plain, { ...mapping, beforeDataMovement: true });
      const nodes = onnxProto.onnx.ModelProto.decode(before.bytes!).graph!.node!;
      const toBytes = nodes.findIndex((n) => n.opType === "Cast");
      const resize = nodes.findIndex((n) => n.opType === "Resize");
      // Nearest copies values, so it can move bytes; linear mixes them, so the mapping stays after it.
      expect(toBytes < resize).toBe(mode === "nearest");
      const data = Float32Array.from({ length: 3 * 4 * 6 }, (_, i) => Math.cos(i * 1.3) * 1.1);
      const feed = { latent: new ort.Tensor(data, [1, 3, 4, 6]) };
      const expected = (await run(withRgbOutput(plain, mapping).bytes!, feed)).out;
      const got = (await run(before.bytes!, feed)).out;
      expect(got.dims).toEqual([1, 12, 12, 3]);
      expect(Buffer.from(got.data as Uint8Array)).toEqual(Buffer.from(expected.data as Uint8Array));
    },
  );

  it("says why it cannot change a model", () => {
    const g = new GraphBuilder("external");
    const x = g.input("x", "float32", [1, 3, "H", "W"]);
    const w = g.initializer("w", "float32", [1, 3, 1, 1], new Float32Array([1, 2, 3]));
    g.output(g.node("Mul", [x, w]), "y", "float32", [1, 3, "H", "W"]);
    const split = g.toSplitBytes({}, { location: "model.onnx_data", minBytes: 0 });
    expect(withRgbOutput(split.model, { scale: 255, offset: 0 }).reason).toMatch(/external data file/);
    expect(withRgbOutput(passThrough(10), { scale: 255, offset: 0 }).reason).toMatch(/opset 10 is below 11/);
    expect(withRgbOutput(passThrough(), { scale: 255, offset: 0, output: "nope" }).reason).toMatch(/no such output/);
    const flat = new GraphBuilder("flat");
    flat.output(flat.node("Identity", [flat.input("x", "float32", [1, 3])]), "y", "float32", [1, 3]);
    expect(withRgbOutput(flat.toBytes(), { scale: 255, offset: 0 }).reason).toMatch(/not a 4-d NCHW image/);
    const ints = new GraphBuilder("ints");
    ints.output(ints.node("Identity", [ints.input("x", "int32", [1, 3, 2, 2])]), "y", "int32", [1, 3, 2, 2]);
    expect(withRgbOutput(ints.toBytes(), { scale: 255, offset: 0 }).reason).toMatch(/output is not float/);
    expect(withRgbPixels(ints.toBytes(), { input: { divisor: 1 } }).reason).toMatch(/input is not float/);
  });
});
