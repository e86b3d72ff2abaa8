/**
 * @module Tiny FILM-signature models whose graph computes a known function of its inputs, so tests can check frame
 * order, timestamps and `t` exactly: `clip((1 − t) · x0 + t · x1)` in the model's range (0..255 models also round,
 * which makes a wrong range assumption visible). Before blending, the first frame goes through
 * `SpaceToDepth(align) → DepthToSpace(align)`, an identity that fails unless both sides divide by `align`: like
 * FILM's pyramid, the model cannot take unpadded frames. Variants: the TF export's signature (`time [N,1]` declared
 * first, `x0`, `x1` NHWC, a debugging pyramid output before `image`) and the PyTorch ports' (`img0`, `img1` NCHW,
 * `timestep [1]`, `output`), dynamic or fixed size, float32 or float16, 0..1 or 0..255.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Dim, GraphBuilder } from "../../onnx/index.js";
import type { CatalogEntry } from "../catalog.js";
import { type CostPath, costPathGflop, zeroCostPath } from "./cost-path.js";

/** How to build a tiny FILM model. */
export interface TinyFilmOptions {
  layout?: "nhwc" | "nchw";
  /** `[frame0, frame1, time]` input names. */
  names?: [string, string, string];
  /** Declare the time input before the frames (as the TF export does). */
  timeFirst?: boolean;
  timeShape?: Dim[];
  /** The frame output's name. */
  output?: string;
  /** Declare a 4-d debugging output (x1 − x0) before the frame, as the TF export's pyramids. */
  pyramids?: boolean;
  /** A fixed-shape export (batch 1): the only frame size it takes. */
  fixedSize?: { width: number; height: number };
  valueRange?: "0..1" | "0..255";
  dtype?: "float32" | "float16";
  /** Both sides must divide by this (1: any size). */
  align?: number;
  /** Write `align` and `value_range` into the model's metadata (real exports do not; their manifest says it). */
  declare?: boolean;
  /** Default-domain opset (default 17; below 12 the runner converts pixels in JS). */
  opset?: number;
  /**
   * A compute path with a real model's cost and no effect on the output: `layers` 3×3 convolutions (3 → channels →
   * … → 3, ReLU between) over the first frame at full resolution, the last one's weights all zero, added to the
   * blend. Its output is exactly 0, so the frame stays the blend; see {@link costPathGflop} for its cost.
   */
  costPath?: CostPath;
}

/** The signature of Google's TF2 saved model converted with tf2onnx. */
export const TINY_FILM_TF: TinyFilmOptions = {
  layout: "nhwc",
  names: ["x0", "x1", "time"],
  timeFirst: true,
  timeShape: ["N", 1],
  output: "image",
  pyramids: true,
};

/** The signature of the PyTorch ports' ONNX exports. */
export const TINY_FILM_TORCH: TinyFilmOptions = {
  layout: "nchw",
  names: ["img0", "img1", "timestep"],
  timeShape: [1],
  output: "output",
};

const DEFAULTS: TinyFilmOptions = {
  ...TINY_FILM_TF,
  timeFirst: false,
  pyramids: false,
  align: 64,
  valueRange: "0..1",
  dtype: "float32",
  declare: true,
  opset: 17,
};

// ONNX TensorProto.DataType FLOAT = 1, FLOAT16 = 10.
const FLOAT = 1;
const FLOAT16 = 10;

/**
 * Builds a tiny FILM model's ONNX bytes.
 * @example await writeFile("model.onnx", tinyFilmModel({ ...TINY_FILM_TORCH, fixedSize: { width: 32, height: 32 } }))
 */
export function tinyFilmModel(options: TinyFilmOptions = TINY_FILM_TF): Uint8Array {
  const o = { ...DEFAULTS, ...options } as Required<TinyFilmOptions>;
  const [n0, n1, nt] = o.names;
  const g = new GraphBuilder("tiny-film");
  const { width, height } = o.fixedSize ?? {};
  const [b, h, w] = o.fixedSize ? [1, height!, width!] : ["N", "H", "W"];
  const frameDims: Dim[] = o.layout === "nhwc" ? [b, h, w, 3] : [b, 3, h, w];
  const time = () => g.input(nt, o.dtype, o.timeShape);
  const tIn = o.timeFirst ? time() : "";
  const x0In = g.input(n0, o.dtype, frameDims);
  const x1In = g.input(n1, o.dtype, frameDims);
  const tName = o.timeFirst ? tIn : time();
  const f32 = (x: string) => (o.dtype === "float16" ? g.node("Cast", [x], { to: FLOAT }) : x);
  let x0 = f32(x0In);
  const x1 = f32(x1In);
  if (o.align > 1) {
    const nchw = o.layout === "nhwc" ? g.node("Transpose", [x0], { perm: [0, 3, 1, 2] }) : x0;
    const roundTrip = g.node("DepthToSpace", [g.node("SpaceToDepth", [nchw], { blocksize: o.align })], {
      blocksize: o.align,
      mode: "DCR",
    });
    x0 = o.layout === "nhwc" ? g.node("Transpose", [roundTrip], { perm: [0, 2, 3, 1] }) : roundTrip;
  }
  const shape = g.initializer("t_shape", "int64", [4], BigInt64Array.of(-1n, 1n, 1n, 1n));
  const t = g.node("Reshape", [f32(tName), shape]);
  const one = g.initializer("one", "float32", [1], Float32Array.of(1));
  const blend = g.node("Add", [g.node("Mul", [x0, g.node("Sub", [one, t])]), g.node("Mul", [x1, t])]);
  let mixed = blend;
  if (o.costPath) mixed = g.node("Add", [blend, costPath(g, x0, o.layout, o.costPath)]);
  const hi = o.valueRange === "0..255" ? 255 : 1;
  const lo = g.initializer("lo", "float32", [], Float32Array.of(0));
  const top = g.initializer("hi", "float32", [], Float32Array.of(hi));
  let frame = g.node("Clip", [mixed, lo, top]);
  if (hi === 255) frame = g.node("Round", [frame]);
  const out = (x: string) => (o.dtype === "float16" ? g.node("Cast", [x], { to: FLOAT16 }) : x);
  if (o.pyramids) g.output(out(g.node("Sub", [x1, x0])), "forward_flow_pyramid", o.dtype, frameDims);
  g.output(out(frame), o.output, o.dtype, frameDims);
  const declared: Record<string, string> = o.declare ? { align: String(o.align), value_range: o.valueRange } : {};
  return g.toBytes({ opset: o.opset, metadata: { architecture: "tiny-film", ...declared } });
}

/** The cost path of {@link TinyFilmOptions.costPath} on `x` (float32, in the model's layout); its output is all 0. */
function costPath(g: GraphBuilder, x: string, layout: "nhwc" | "nchw", path: CostPath): string {
  const nchw = layout === "nhwc" ? g.node("Transpose", [x], { perm: [0, 3, 1, 2] }) : x;
  const y = zeroCostPath(g, nchw, path, { inChannels: 3, outChannels: 3 });
  return layout === "nhwc" ? g.node("Transpose", [y], { perm: [0, 2, 3, 1] }) : y;
}

/** The cost path of `tiny/film-conv`: 32 channels, 4 convolutions (≈ 23.8 GFLOP per 1024×576 frame). */
export const FILM_CONV_COST = { channels: 32, layers: 4 } as const;

/** `tiny/film`: the TF export's signature, sides padded to ×64 as FILM's. */
export const TINY_FILM_ENTRY: CatalogEntry = {
  id: "tiny/film",
  pipeline: "frame-interpolation",
  tiny: true,
  description:
    "tiny FILM-signature interpolator (x0, x1 NHWC 0..1, time [N,1], output image; computes (1−t)·x0 + t·x1, sides ×64), for tests and trying the API",
  async install(dir) {
    await writeFile(join(dir, "model.onnx"), tinyFilmModel(TINY_FILM_TF));
    return { source: "generated by the runner's model factory", extra: { architecture: "tiny-film" } };
  },
};

/**
 * `tiny/film-conv`: tiny/film (same signature, same output: the blend) plus a zero-weighted conv path that costs
 * ≈ 23.8 GFLOP per 1024×576 frame, so benchmarks can see the route with a `session.run` that weighs like a
 * model's. Synthetic: it is not FILM and says so in its description.
 */
export const TINY_FILM_CONV_ENTRY: CatalogEntry = {
  id: "tiny/film-conv",
  pipeline: "frame-interpolation",
  tiny: true,
  description: `synthetic benchmark model, not FILM: tiny/film's signature and output ((1−t)·x0 + t·x1) plus a zero-weighted 3×3 conv path (${FILM_CONV_COST.layers} layers, ${FILM_CONV_COST.channels} channels, ≈ ${costPathGflop(FILM_CONV_COST, 1024, 576).toFixed(1)} GFLOP per 1024×576 frame) that gives session.run a model's weight`,
  async install(dir) {
    await writeFile(join(dir, "model.onnx"), tinyFilmModel({ ...TINY_FILM_TF, costPath: FILM_CONV_COST }));
    return { source: "generated by the runner's model factory", extra: { architecture: "tiny-film" } };
  },
};
