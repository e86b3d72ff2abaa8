/**
 * @module Recognising a FILM export from its declared inputs and outputs (what an ONNX Runtime session reports as
 * its metadata) plus the overrides a model's `avs-model.json` may give where the graph cannot tell. The common exports:
 *
 * * Google's TF2 saved model through tf2onnx: `time [?,1]`, `x0`, `x1` `[?,?,?,3]` float 0..1 (NHWC), and many
 *   outputs (flow and warp pyramids for debugging) of which `image` is the frame.
 * * PyTorch ports: `img0`, `img1` `[1,3,H,W]` float 0..1 (NCHW), `timestep [1]` (or `[B,1]`), output `output`; often
 *   traced at a fixed size such as 256×256.
 *
 * FILM's feature pyramid halves the frame six times (7 levels), so its sides must divide by 64: `align`.
 */
import { FrameInterpolationError } from "./errors.js";

/** One declared input or output, as `session.inputMetadata` gives it (unknown dims as symbolic names). */
export interface ValueInfo {
  name: string;
  /** Element type in ONNX Runtime's names (`float32`, `float16`, `int64`, …). */
  type: string;
  shape: ReadonlyArray<number | string>;
}

/** The overrides `avs-model.json` may carry for a FILM model (all optional). */
export interface FilmManifest {
  /** `[frame0, frame1, time]` input names. */
  inputs?: string[];
  /** The output holding the frame. */
  output?: string;
  layout?: "nhwc" | "nchw";
  /** Pixel range the model works in: `"0..1"` (FILM's), `"0..255"`, `"-1..1"`. */
  value_range?: string;
  /** The factor both sides must divide by (FILM: 64). */
  align?: number;
}

/** How a FILM model is fed. */
export interface FilmSignature {
  /** Input names of the first frame, the second frame and the time. */
  frame0: string;
  frame1: string;
  time: string;
  output: string;
  layout: "nhwc" | "nchw";
  /** Element type of the frames (input and output). */
  dtype: "float32" | "float16";
  /** Element type and shape of the time input, batch dims set to 1 (`[1,1]`, `[1]` or `[]`). */
  timeType: "float32" | "float16";
  timeDims: number[];
  /** Pixel range: 8-bit value v is fed as v / 255 · (hi − lo) + lo. */
  range: { lo: number; hi: number };
  /** Sides are padded up to a multiple of this (dynamic-shape models). */
  align: number;
  /** Fixed-shape models: the only frame size they take; smaller frames are padded up to it. */
  fixedSize?: { width: number; height: number };
}

const DEFAULT_ALIGN = 64;
const OUTPUT_NAMES = ["image", "output", "out", "frame"];

const known = (d: number | string): d is number => typeof d === "number" && d > 0;

function parseRange(text: string, where: string): { lo: number; hi: number } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || !(hi > lo)) throw new Error(`${where}: value_range must read like "0..1" or "0..255", got "${text}"`);
  return { lo, hi };
}

function parseAlign(value: unknown, where: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4096) {
    throw new Error(`${where}: align must be a whole number from 1 to 4096, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The trailing number of a name (`x0` → 0, `img3` → 3), for ordering the two frames. */
const trailing = (name: string) => Number(/(\d+)$/.exec(name)?.[1] ?? Number.NaN);

function pickInputs(inputs: ValueInfo[], manifest: FilmManifest): [ValueInfo, ValueInfo, ValueInfo] {
  const list = inputs.map((i) => `${i.name} [${i.shape.join(",")}]`).join(", ");
  if (manifest.inputs !== undefined) {
    const names: unknown[] = Array.isArray(manifest.inputs) ? manifest.inputs : [];
    const found = names.map((n) => inputs.find((i) => i.name === n));
    if (found.length !== 3 || found.some((f) => !f)) {
      throw new Error(`avs-model.json inputs must name [frame0, frame1, time] among the model's inputs: ${list}`);
    }
    return found as [ValueInfo, ValueInfo, ValueInfo];
  }
  const images = inputs.filter((i) => i.shape.length === 4);
  const others = inputs.filter((i) => i.shape.length !== 4);
  if (inputs.length !== 3 || images.length !== 2 || others.length !== 1) {
    throw new Error(
      `not a FILM model: expected two 4-d frame inputs and one time input, got ${list || "no inputs"}` +
        " (name them in avs-model.json with inputs: [frame0, frame1, time] if the shapes are undeclared)",
    );
  }
  const time = others[0]!;
  if (time.shape.length > 2 || time.shape.some((d) => known(d) && d !== 1)) {
    throw new Error(
      `not a FILM model: the time input ${time.name} must be a scalar, [1] or [B,1], got [${time.shape}]`,
    );
  }
  let [a, b] = images as [ValueInfo, ValueInfo];
  if (trailing(b.name) < trailing(a.name)) [a, b] = [b, a];
  return [a, b, time];
}

function floatType(info: ValueInfo, what: string): "float32" | "float16" {
  if (info.type !== "float32" && info.type !== "float16") {
    throw new Error(`the ${what} ${info.name} must be float32 or float16, got ${info.type}`);
  }
  return info.type;
}

/**
 * Recognises a FILM model's signature. `metadata` holds the model's own string metadata (`align`, `value_range`,
 * as the project's factory writes them); the manifest overrides both.
 * @throws {Error} naming what does not fit a FILM export and how to tell the runner instead.
 * @example
 * recognizeFilm({ inputs: session.inputMetadata, outputs: session.outputMetadata })
 * // { frame0: "x0", frame1: "x1", time: "time", output: "image", layout: "nhwc", align: 64, … }
 */
export function recognizeFilm(model: {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata?: Record<string, string>;
  manifest?: FilmManifest;
}): FilmSignature {
  const manifest = model.manifest ?? {};
  if (manifest.layout !== undefined && manifest.layout !== "nhwc" && manifest.layout !== "nchw") {
    throw new Error(`avs-model.json: layout must be "nhwc" or "nchw", got ${JSON.stringify(manifest.layout)}`);
  }
  const meta = model.metadata ?? {};
  const [f0, f1, time] = pickInputs(model.inputs, manifest);
  const dtype = floatType(f0, "frame input");
  if (floatType(f1, "frame input") !== dtype || f0.shape.join() !== f1.shape.join()) {
    throw new Error(
      `the frame inputs ${f0.name} [${f0.shape}] ${f0.type} and ${f1.name} [${f1.shape}] ${f1.type} differ`,
    );
  }
  const layout = manifest.layout ?? (f0.shape[3] === 3 ? "nhwc" : f0.shape[1] === 3 ? "nchw" : undefined);
  if (layout !== "nhwc" && layout !== "nchw") {
    throw new Error(
      `cannot tell the layout of ${f0.name} [${f0.shape}] (no dimension of 3 channels); set layout "nhwc" or "nchw" in avs-model.json`,
    );
  }
  const [h, w] = layout === "nhwc" ? [f0.shape[1]!, f0.shape[2]!] : [f0.shape[2]!, f0.shape[3]!];
  const names = model.outputs.map((o) => o.name);
  const output = manifest.output ?? (names.length === 1 ? names[0] : OUTPUT_NAMES.find((n) => names.includes(n)));
  if (!output || !names.includes(output)) {
    throw new Error(
      `cannot tell which output is the frame among [${names}]; set output in avs-model.json (FILM's TF export calls it "image")`,
    );
  }
  const outInfo = model.outputs.find((o) => o.name === output)!;
  if (floatType(outInfo, "output") !== dtype)
    throw new Error(`the output ${output} is ${outInfo.type}, the frames ${dtype}`);
  const rangeText = manifest.value_range ?? meta.value_range;
  const alignValue = manifest.align ?? meta.align;
  return {
    frame0: f0.name,
    frame1: f1.name,
    time: time.name,
    output,
    layout,
    dtype,
    timeType: floatType(time, "time input"),
    timeDims: time.shape.map(() => 1),
    range: rangeText === undefined ? { lo: 0, hi: 1 } : parseRange(rangeText, "value_range"),
    align: alignValue === undefined ? DEFAULT_ALIGN : parseAlign(alignValue, "align"),
    ...(known(h) && known(w) ? { fixedSize: { width: w, height: h } } : {}),
  };
}

/**
 * The signature in one line, for logs and `models verify`.
 * @example describeFilm(sig) // "x0, x1 NHWC float32 0..1, time [1,1], output image, sides padded to ×64"
 */
export function describeFilm(sig: FilmSignature): string {
  const size = sig.fixedSize
    ? `fixed ${sig.fixedSize.width}×${sig.fixedSize.height} (smaller frames padded)`
    : `sides padded to ×${sig.align}`;
  return (
    `${sig.frame0}, ${sig.frame1} ${sig.layout.toUpperCase()} ${sig.dtype} ${sig.range.lo}..${sig.range.hi}, ` +
    `${sig.time} [${sig.timeDims}], output ${sig.output}, ${size}`
  );
}

/**
 * The error for frames a fixed-size model cannot take.
 * @example throw frameTooLarge(sig, 300, 200)
 */
export function frameTooLarge(
  sig: Pick<FilmSignature, "fixedSize">,
  width: number,
  height: number,
): FrameInterpolationError {
  const fixed = sig.fixedSize!;
  return new FrameInterpolationError(
    "frame-too-large",
    `the frames are ${width}×${height} px; this model takes frames of at most ${fixed.width}×${fixed.height} px`,
    { width, height, maxWidth: fixed.width, maxHeight: fixed.height },
  );
}
