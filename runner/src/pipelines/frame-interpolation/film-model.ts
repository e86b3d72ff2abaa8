/**
 * @module A loaded FILM model: `MODEL_DIR/<id>/model.onnx` with its signature recognised (`film-signature.ts`), the
 * 8-bit conversions moved into its graph where possible (`film-pixels.ts`), and `interpolate(a, b, t)` for any
 * `t ∈ (0, 1)`: frames are padded to a size the model takes, run, and cropped back. Runs inside the inference
 * worker (session.run blocks its thread).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import onnxProto, { type onnx } from "onnx-proto";
import * as ort from "onnxruntime-node";
import type { ExecutionProvider } from "../../config.js";
import { ownedBytes, type RgbImage } from "../../image/decode.js";
import { readManifest } from "../../models/layout.js";
import { readModelFile } from "../../models/special-files.js";
import { toHalfBits } from "../../onnx/float16.js";
import { DATA_TYPE_CODE } from "../../onnx/index.js";
import { createSession, type SessionSettings } from "../../onnx/session.js";
import { FrameInterpolationError } from "./errors.js";
import { framePixels, frameTensor } from "./film-convert.js";
import { FILM_CROP, FILM_PADS, FILM_RGB_INPUTS, FILM_RGB_OUTPUT, filmPixelsInGraph } from "./film-pixels.js";
import {
  describeFilm,
  type FilmManifest,
  type FilmSignature,
  recognizeFilm,
  type ValueInfo,
} from "./film-signature.js";
import { cropPixels, type Padding, padFor, padPixels } from "./padding.js";

const { onnx: proto } = onnxProto;

/** A FILM model ready to interpolate. */
export interface FilmModel {
  readonly signature: FilmSignature;
  /** The 8-bit conversions run inside the graph (else in JS). */
  readonly pixelsInGraph: boolean;
  readonly provider: ExecutionProvider;
  /** Facts for the runner's `/info` and logs. */
  readonly info: Record<string, unknown>;
  /** `session.run` calls so far and the milliseconds they took (for the benchmark). */
  readonly stats: { runs: number; sessionMs: number };
  /**
   * The frame at time `t ∈ (0, 1)` between `a` and `b` (8-bit RGB, same size). Calls with the same two frame
   * objects reuse their padded inputs, so several times of one pair cost one preparation.
   * @throws {FrameInterpolationError} `bad-time`, `frame-size-mismatch`, `frame-too-large`.
   */
  interpolate(a: RgbImage, b: RgbImage, t: number): Promise<RgbImage>;
  release(): Promise<void>;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(DATA_TYPE_CODE).map(([name, code]) => [code, name]));

function valueInfo(v: onnx.IValueInfoProto): ValueInfo {
  const tensor = v.type?.tensorType;
  return {
    name: v.name ?? "",
    type: TYPE_NAMES.get(tensor?.elemType ?? 0) ?? `type ${tensor?.elemType}`,
    shape: (tensor?.shape?.dim ?? []).map((d) =>
      Number(d.dimValue ?? 0) > 0 ? Number(d.dimValue) : d.dimParam || "?",
    ),
  };
}

/**
 * The declared inputs (initializers excluded), outputs and string metadata of a decoded model: what an ONNX
 * Runtime session reports for it, read before the surgery changes them.
 * @example const { inputs, outputs, metadata } = modelValueInfos(proto.ModelProto.decode(bytes))
 */
export function modelValueInfos(model: onnx.IModelProto): {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata: Record<string, string>;
} {
  const weights = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return {
    inputs: (model.graph?.input ?? []).filter((i) => !weights.has(i.name)).map(valueInfo),
    outputs: (model.graph?.output ?? []).map(valueInfo),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""])),
  };
}

function checkPair(a: RgbImage, b: RgbImage): void {
  for (const [f, which] of [
    [a, "first"],
    [b, "second"],
  ] as const) {
    if (f.width < 1 || f.height < 1 || f.pixels.length !== f.width * f.height * 3) {
      throw new FrameInterpolationError(
        "frame-size-mismatch",
        `the ${which} frame's ${f.pixels.length} bytes are not ${f.width}×${f.height} RGB pixels`,
      );
    }
  }
  if (a.width !== b.width || a.height !== b.height) {
    throw new FrameInterpolationError(
      "frame-size-mismatch",
      `the two frames differ in size (${a.width}×${a.height} and ${b.width}×${b.height} px); both must be the same size`,
    );
  }
}

/**
 * Loads the FILM model in `dir` (its `model.onnx` and optional `avs-model.json` overrides).
 * @throws {Error} when the file is missing or is not a FILM export (the message says why and what to set).
 * @example
 * const film = await loadFilmModel("/models/tiny/film", { executionProvider: "cpu", intraOpThreads: 0, log });
 * const middle = await film.interpolate(a, b, 0.5);
 */
export async function loadFilmModel(dir: string, settings: SessionSettings): Promise<FilmModel> {
  const file = join(dir, "model.onnx");
  if (!existsSync(file)) throw new Error(`${file} does not exist; install or copy a FILM export there`);
  const manifest = ((await readManifest(dir)) ?? {}) as FilmManifest;
  const decoded = proto.ModelProto.decode(await readModelFile(file));
  const sig = recognizeFilm({ ...modelValueInfos(decoded), manifest });
  const fused = filmPixelsInGraph(decoded, sig);
  if (fused.reason) settings.log("info", `8-bit conversions run in JS: ${fused.reason}`, { model: file });
  const inGraph = fused.bytes !== undefined;
  const { session, provider } = await createSession(fused.bytes ?? file, settings);
  const [in0, in1] = inGraph ? FILM_RGB_INPUTS : [sig.frame0, sig.frame1];
  const outName = inGraph ? FILM_RGB_OUTPUT : sig.output;
  const stats = { runs: 0, sessionMs: 0 };
  let pair: { a: RgbImage; b: RgbImage; pad: Padding; feeds: Record<string, ort.Tensor> } | undefined;
  let previous: Promise<unknown> = Promise.resolve();

  const prepare = (a: RgbImage, b: RgbImage) => {
    checkPair(a, b);
    const pad = padFor(sig, a.width, a.height);
    if (!inGraph) {
      const [w, h] = [pad.paddedWidth, pad.paddedHeight];
      const tensor = (f: RgbImage) => frameTensor(padPixels(f, pad), w, h, sig);
      return { a, b, pad, feeds: { [in0]: tensor(a), [in1]: tensor(b) } };
    }
    const { width, height, top, left } = pad;
    const ints = (...v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v, BigInt), [v.length]);
    const [bottom, right] = [pad.paddedHeight - height - top, pad.paddedWidth - width - left];
    const feeds = {
      [in0]: new ort.Tensor("uint8", a.pixels, [1, height, width, 3]),
      [in1]: new ort.Tensor("uint8", b.pixels, [1, height, width, 3]),
      [FILM_PADS]: ints(0, top, left, 0, 0, bottom, right, 0),
      [FILM_CROP[0]]: ints(top, left),
      [FILM_CROP[1]]: ints(top + height, left + width),
    };
    return { a, b, pad, feeds };
  };

  return {
    signature: sig,
    pixelsInGraph: inGraph,
    provider,
    info: { film: describeFilm(sig), pixels_in_graph: inGraph, align: sig.align, fixed_size: sig.fixedSize },
    stats,
    interpolate(a, b, t) {
      // One run at a time, in call order: a caller may ask for the next frame before this one is done, and each
      // run's time must be its own (`stats`).
      const result = previous.then(() => interpolateNow(a, b, t));
      previous = result.catch(() => undefined);
      return result;
    },
    release: () => session.release(),
  };

  async function interpolateNow(a: RgbImage, b: RgbImage, t: number): Promise<RgbImage> {
    if (!(t > 0 && t < 1)) {
      throw new FrameInterpolationError("bad-time", `t must be between 0 and 1 (exclusive), got ${t}`);
    }
    if (pair?.a !== a || pair.b !== b) pair = prepare(a, b);
    const { pad, feeds } = pair;
    const time = sig.timeType === "float16" ? toHalfBits([t]) : Float32Array.of(t);
    const started = performance.now();
    const result = await session.run({ ...feeds, [sig.time]: new ort.Tensor(sig.timeType, time, sig.timeDims) }, [
      outName,
    ]);
    stats.sessionMs += performance.now() - started;
    stats.runs++;
    const out = result[outName]!;
    const [w, h] = inGraph ? [a.width, a.height] : [pad.paddedWidth, pad.paddedHeight];
    const expected = inGraph || sig.layout === "nhwc" ? [1, h, w, 3] : [1, 3, h, w];
    if (out.dims.join() !== expected.join()) {
      throw new Error(`the model returned a [${out.dims}] frame for [${expected}] inputs`);
    }
    // Transferred to another thread later: in a buffer of its own.
    const pixels = inGraph ? ownedBytes(out.data as Uint8Array) : cropPixels(framePixels(out, w, h, sig), pad);
    return { width: a.width, height: a.height, pixels };
  }
}
