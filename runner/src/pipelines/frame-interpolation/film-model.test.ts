/**
 * @module FILM models on real ONNX Runtime sessions (the tiny models compute a known blend): signature recognition
 * of the TF and PyTorch export shapes, exact frames at chosen t, padding and cropping back, NHWC = NCHW, graph and JS
 * conversions equal, value range and alignment overrides, and the typed errors.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { costPathGflop } from "../../models/factory/cost-path.js";
import { FILM_CONV_COST, TINY_FILM_TF, TINY_FILM_TORCH, type TinyFilmOptions } from "../../models/factory/film-tiny.js";
import { FrameInterpolationError } from "./errors.js";
import { blend, FILM_TEST_SETTINGS, openTinyFilm, testFrame, tinyFilmDir } from "./film-fixtures.js";
import { type FilmModel, loadFilmModel, modelValueInfos } from "./film-model.js";
import type { FilmManifest } from "./film-signature.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function load(options: TinyFilmOptions, manifest?: FilmManifest): Promise<FilmModel> {
  const tiny = await openTinyFilm(options, manifest);
  cleanups.push(tiny.close);
  return tiny.film;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: Error) => err,
  );
}

const a = testFrame(70, 45, 0);
const b = testFrame(70, 45, 1);

describe("FILM signature", () => {
  it("recognises the TF export (time first, NHWC, pyramid outputs) and the PyTorch port (NCHW, timestep [1])", async () => {
    const tf = await load({ ...TINY_FILM_TF, declare: false });
    expect(tf.signature).toEqual({
      frame0: "x0",
      frame1: "x1",
      time: "time",
      output: "image",
      layout: "nhwc",
      dtype: "float32",
      timeType: "float32",
      timeDims: [1, 1],
      range: { lo: 0, hi: 1 },
      align: 64,
    });
    expect(tf.pixelsInGraph).toBe(true);
    const torch = await load({ ...TINY_FILM_TORCH, fixedSize: { width: 96, height: 64 }, align: 32 });
    expect(torch.signature).toMatchObject({
      frame0: "img0",
      frame1: "img1",
      time: "timestep",
      output: "output",
      layout: "nchw",
      timeDims: [1],
      align: 32,
      fixedSize: { width: 96, height: 64 },
    });
  });

  it("reads the declared inputs and outputs as the session reports them", async () => {
    const m = await tinyFilmDir({ ...TINY_FILM_TF, dtype: "float16" });
    cleanups.push(m.cleanup);
    const file = join(m.dir, "model.onnx");
    const infos = modelValueInfos(onnxProto.onnx.ModelProto.decode(await readFile(file)));
    const session = await ort.InferenceSession.create(file);
    try {
      const plain = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
        list.map((v) => ({ name: v.name, type: v.isTensor ? v.type : "?", shape: v.isTensor ? [...v.shape] : [] }));
      expect(infos.inputs).toEqual(plain(session.inputMetadata));
      expect(infos.outputs).toEqual(plain(session.outputMetadata));
      expect(infos.metadata).toEqual({ architecture: "tiny-film", align: "64", value_range: "0..1" });
    } finally {
      await session.release();
    }
  });

  it("says what is missing when a model does not look like FILM, and takes the manifest's word", async () => {
    const m = await tinyFilmDir({ ...TINY_FILM_TF }, { output: "nope" });
    cleanups.push(m.cleanup);
    expect((await rejection(loadFilmModel(m.dir, FILM_TEST_SETTINGS))).message).toBe(
      'cannot tell which output is the frame among [forward_flow_pyramid,image]; set output in avs-model.json (FILM\'s TF export calls it "image")',
    );
    const renamed = await tinyFilmDir({ ...TINY_FILM_TF, output: "frame_out" });
    cleanups.push(renamed.cleanup);
    expect((await rejection(loadFilmModel(renamed.dir, FILM_TEST_SETTINGS))).message).toMatch(
      /^cannot tell which output is the frame among \[forward_flow_pyramid,frame_out\]/,
    );
    const told = await load({ ...TINY_FILM_TF, output: "frame_out" }, { output: "frame_out" });
    expect((await told.interpolate(a, b, 0.5)).pixels).toEqual(blend(a, b, 0.5).pixels);
    const bad = await tinyFilmDir({ ...TINY_FILM_TF }, { value_range: "0-1" });
    cleanups.push(bad.cleanup);
    expect((await rejection(loadFilmModel(bad.dir, FILM_TEST_SETTINGS))).message).toBe(
      'value_range: value_range must read like "0..1" or "0..255", got "0-1"',
    );
  });
});

describe("FILM interpolation", () => {
  it("gives the exact blend at chosen t, padding 70×45 frames to 128×64 and cropping back", async () => {
    const film = await load(TINY_FILM_TF);
    for (const m of [1, 5, 12, 17, 23]) {
      const out = await film.interpolate(a, b, m / 24);
      expect(out.width).toBe(70);
      expect(out.height).toBe(45);
      expect(out.pixels).toEqual(blend(a, b, m / 24).pixels);
    }
    // Several times of one pair are one preparation: the pair's padded inputs are kept.
    expect(film.stats.runs).toBe(5);
  });

  it("gives the same bytes for NHWC and NCHW exports, for float16 I/O and with the conversions in JS", async () => {
    const c = testFrame(33, 17, 4);
    const d = { ...c, pixels: c.pixels.map((v, i) => (v * 7 + i) % 256) };
    const models = [
      await load(TINY_FILM_TF),
      await load({ ...TINY_FILM_TORCH }),
      await load({ ...TINY_FILM_TORCH, opset: 11 }),
      await load({ ...TINY_FILM_TF, opset: 11 }),
      // tf2onnx's FILM exports are opset 12: the lowest the surgery takes.
      await load({ ...TINY_FILM_TF, opset: 12 }),
    ];
    expect(models.map((f) => f.pixelsInGraph)).toEqual([true, true, false, false, true]);
    for (const t of [0.3, 0.5, 0.77]) {
      const outs = await Promise.all(models.map((f) => f.interpolate(c, d, t)));
      for (const o of outs.slice(1)) expect(o.pixels).toEqual(outs[0]!.pixels);
    }
    const half = await load({ ...TINY_FILM_TORCH, dtype: "float16" });
    expect(half.signature.dtype).toBe("float16");
    expect((await half.interpolate(a, b, 0.75)).pixels).toEqual(blend(a, b, 0.75).pixels);
  });

  it("pads smaller frames up to a fixed-size export and refuses larger ones", async () => {
    const film = await load({ ...TINY_FILM_TORCH, fixedSize: { width: 32, height: 32 }, align: 16 });
    const small = [testFrame(20, 13, 2), testFrame(20, 13, 3)] as const;
    expect((await film.interpolate(small[0], small[1], 0.25)).pixels).toEqual(blend(small[0], small[1], 0.25).pixels);
    const err = await rejection(film.interpolate(testFrame(40, 20, 0), testFrame(40, 20, 1), 0.5));
    expect(err).toBeInstanceOf(FrameInterpolationError);
    expect(err).toMatchObject({ code: "frame-too-large" });
    expect(err.message).toBe("the frames are 40×20 px; this model takes frames of at most 32×32 px");
  });

  it("takes the value range and alignment from the manifest where the model does not declare them", async () => {
    const wide = { ...TINY_FILM_TORCH, valueRange: "0..255", declare: false } as const;
    const told = await load(wide, { value_range: "0..255" });
    expect((await told.interpolate(a, b, 0.25)).pixels).toEqual(blend(a, b, 0.25).pixels);
    // Fed 0..1 (the default), the 0..255 model rounds every value to 0 or 1: the range matters.
    const untold = await load(wide);
    expect((await untold.interpolate(a, b, 0.25)).pixels).not.toEqual(blend(a, b, 0.25).pixels);
    // Unpadded sides do not fit the ×64 pyramid: the model itself refuses them.
    const unpadded = await load(TINY_FILM_TF, { align: 1 });
    expect((await rejection(unpadded.interpolate(a, b, 0.5))).message).toMatch(/SpaceToDepth|divisible|blocksize/i);
  });

  it("refuses t outside (0, 1) and frames of different sizes", async () => {
    const film = await load(TINY_FILM_TF);
    for (const t of [0, 1, -0.5, Number.NaN]) {
      const err = await rejection(film.interpolate(a, b, t));
      expect(err).toMatchObject({ code: "bad-time", message: `t must be between 0 and 1 (exclusive), got ${t}` });
    }
    const err = await rejection(film.interpolate(a, testFrame(64, 45, 1), 0.5));
    expect(err).toMatchObject({
      code: "frame-size-mismatch",
      message: "the two frames differ in size (70×45 and 64×45 px); both must be the same size",
    });
    const short = { ...a, pixels: a.pixels.subarray(3) };
    expect((await rejection(film.interpolate(short, b, 0.5))).message).toBe(
      "the first frame's 9447 bytes are not 70×45 RGB pixels",
    );
  });
});

describe("tiny/film-conv (the synthetic benchmark model)", () => {
  it("answers tiny/film's exact blend while its zero-weighted conv path costs session.run real work", async () => {
    const plain = await load(TINY_FILM_TF);
    const conv = await load({ ...TINY_FILM_TF, costPath: FILM_CONV_COST });
    const [x, y] = [testFrame(256, 128, 0), testFrame(256, 128, 1)];
    for (const t of [0.25, 0.5, 7 / 24]) {
      const out = await conv.interpolate(x, y, t);
      expect(out.pixels).toEqual(blend(x, y, t).pixels);
      expect(out.pixels).toEqual((await plain.interpolate(x, y, t)).pixels);
    }
    // 256×128 through 32 channels: ≈ 1.3 GFLOP a run, against tiny/film's few hundred kFLOP.
    expect(costPathGflop(FILM_CONV_COST, 256, 128)).toBeCloseTo(1.32, 2);
    expect(costPathGflop(FILM_CONV_COST, 1024, 576)).toBeCloseTo(23.78, 2);
    // ONNX Runtime keeps and runs every convolution of the path at the frame's full size (its optimiser could have
    // folded a zero-weighted branch away): its profiler's kernel events, not a timing that a neighbour can stall.
    const kernels = await convKernels({ ...TINY_FILM_TF, costPath: FILM_CONV_COST }, 256, 128);
    expect(kernels).toHaveLength(FILM_CONV_COST.layers);
    for (const [i, [n, channels, h, w]] of kernels.entries()) {
      expect([n, h, w]).toEqual([1, 128, 256]);
      // The last layer's 3 channels may come out padded to the CPU's channel block (ONNX Runtime's NCHWc kernels).
      if (i < FILM_CONV_COST.layers - 1) expect(channels).toBe(FILM_CONV_COST.channels);
      else expect(channels).toBeGreaterThanOrEqual(3);
    }
    expect(await convKernels(TINY_FILM_TF, 256, 128)).toEqual([]);
  });
});

/** The output shapes of the Conv kernels one profiled run of the tiny model `options` executes on `width`×`height`. */
async function convKernels(options: TinyFilmOptions, width: number, height: number): Promise<number[][]> {
  const m = await tinyFilmDir(options);
  cleanups.push(m.cleanup);
  const session = await ort.InferenceSession.create(join(m.dir, "model.onnx"), {
    enableProfiling: true,
    profileFilePrefix: join(m.dir, "profile"),
    intraOpNumThreads: 1,
  });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of session.inputMetadata) {
      if (!input.isTensor) throw new Error(`${input.name} is not a tensor`);
      const dims = input.shape.map((d, i) => (typeof d === "number" ? d : ([1, height, width, 3][i] ?? 1)));
      feeds[input.name] = new ort.Tensor("float32", new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    }
    await session.run(feeds);
  } finally {
    session.endProfiling();
    await session.release();
  }
  const file = (await readdir(m.dir)).find((f) => f.startsWith("profile"));
  if (!file) throw new Error("ONNX Runtime wrote no profile");
  const events = JSON.parse(await readFile(join(m.dir, file), "utf8")) as Array<{
    cat: string;
    name: string;
    args?: { op_name?: string; output_type_shape?: Array<Record<string, number[]>> };
  }>;
  return events
    .filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time") && /Conv/.test(e.args?.op_name ?? ""))
    .map((e) => Object.values(e.args?.output_type_shape?.[0] ?? {})[0] ?? []);
}
