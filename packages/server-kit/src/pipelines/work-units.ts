/**
 * @module Units of work of a job — pixels × frames × steps × images — counted from a validated body by the recipe
 * in the spec's `x-avs-pipeline` extension (the generated `PIPELINES` table), so that latencies and prices of
 * different jobs compare per unit. Image inputs are sized from their header, videos from their container (`video-size.ts`), without decoding.
 * A frame-rate change (frame interpolation) counts the frames it makes, not the frames it is given.
 */
import { imageSize } from "../media/image-size.js";
import { type VideoSize, videoSize } from "../media/video-size.js";
import { UploadedPart, uploadedPart } from "../validator/uploaded-part.js";

/** What kind of media a file field holds. */
export type MediaKind = "image" | "video";

/** The work-unit recipe of a pipeline, as `x-avs-pipeline.units` states it. */
export interface WorkUnitRecipe {
  /**
   * The pixels counted: `[widthField, heightField]` (an output size), a file field (its own size), or a list of
   * file fields that are alternative sources (the first one the body holds is measured).
   */
  readonly pixels: readonly string[] | string;
  /** The frames: a numeric field, a video file field (its frame count), or a constant (the model decides). Default 1. */
  readonly frames?: string | number;
  /** The denoising steps field. Default 1. */
  readonly steps?: string;
  /** The images-per-request field. Default 1. */
  readonly images?: string;
  /** The frames are the output of a frame-rate change of the source (see {@link RateRecipe}). */
  readonly rate?: RateRecipe;
}

/**
 * The request fields of a frame-rate change, by role. The source is the `frames` video field (its frame count and
 * duration), or, when the request holds no video, a pair of images: 2 frames `1 / source_fps` s apart. The counted
 * frames are the output's (see {@link interpolatedFrames}).
 */
export interface RateRecipe {
  /** The target frame rate field (duration kept). */
  readonly output_fps?: string;
  /** The rate multiplier field. */
  readonly multiplier?: string;
  /** FILM's recursive midpoints field (2^k − 1 frames between each pair). */
  readonly times_to_interpolate?: string;
  /** The frame rate of an image pair. */
  readonly source_fps?: string;
}

/** A source of a frame-rate change: its frame count and, when known, how long it lasts. */
export interface InterpolatedSource {
  frames: number;
  /** frames ÷ source rate. */
  seconds?: number | undefined;
}

/**
 * Output frames of a frame-rate change, as the frame-interpolation runner plans them: `multiplier` m → N · m;
 * `timesToInterpolate` k → (N − 1) · 2^k + 1; `outputFps` r → round(seconds · r), the duration kept (halves
 * round up; N itself when the duration is unknown). No rate given: N.
 * @example interpolatedFrames({ frames: 14, seconds: 2 }, { outputFps: 24 }) // 48
 */
export function interpolatedFrames(
  source: InterpolatedSource,
  rate: { outputFps?: number | undefined; multiplier?: number | undefined; timesToInterpolate?: number | undefined },
): number {
  const n = source.frames;
  if (rate.multiplier !== undefined) return n * rate.multiplier;
  if (rate.timesToInterpolate !== undefined) return (n - 1) * 2 ** rate.timesToInterpolate + 1;
  if (rate.outputFps !== undefined && source.seconds !== undefined) {
    // Rounded to 1e-9 first: 25 frames at 6 fps are 4.1666… s, and 4.1666… × 24 must count 100, not 99.99….
    return Math.floor(Math.round(source.seconds * rate.outputFps * 1e9) / 1e9 + 0.5);
  }
  return n;
}

/** The parts of a `PIPELINES` entry that work units are counted from. */
export interface WorkUnitSource {
  readonly files: Readonly<Record<string, MediaKind>>;
  readonly units: WorkUnitRecipe;
}

/**
 * What can be read from an uploaded file without decoding it; undefined where nothing could be read. The file is a
 * Blob, or the in-memory part behind a validated multipart field (see `uploadedPart`), which is never made a File
 * for an image: its head is enough.
 */
export type MediaMeasure = (file: Blob | UploadedPart, kind: MediaKind) => Promise<VideoSize | undefined>;

/** Bytes of an image's head its size is read from. */
const IMAGE_HEAD = 65536;

/** Pixels assumed for a file whose size could not be read. */
export const FALLBACK_PIXELS = 512 * 512;

/**
 * Reads an image's size from its header, and a video's frame size, frame count and duration from its container
 * (`videoSize`: the containers of `VIDEO_CONTAINERS`); others are not measured here (a caller can supply a probe
 * as its own {@link MediaMeasure}).
 * @example await headerMeasure(new Blob([png]), "image") // { width: 64, height: 48 }
 */
export const headerMeasure: MediaMeasure = async (file, kind) => {
  if (file instanceof UploadedPart) return kind === "image" ? partImageSize(file) : videoSize(file.file());
  return kind === "image" ? imageSize(new Uint8Array(await file.slice(0, IMAGE_HEAD).arrayBuffer())) : videoSize(file);
};

/**
 * An in-memory image part's size, read from its first chunk when that holds the header (a view, no copy), else from
 * its first {@link IMAGE_HEAD} bytes (joined from its chunks). A prefix gives the same size as the longer head or
 * none: `imageSize` reads only bytes it has checked are there.
 */
function partImageSize(part: UploadedPart): { width: number; height: number } | undefined {
  const first = part.chunks[0]?.length ?? 0;
  if (first >= IMAGE_HEAD || part.chunks.length <= 1) return imageSize(part.head(IMAGE_HEAD));
  return imageSize(part.head(first)) ?? imageSize(part.head(IMAGE_HEAD));
}

/**
 * Pixels × frames × steps × images of a validated job body (defaults applied). A missing or non-numeric factor
 * counts as 1; a file that cannot be measured counts {@link FALLBACK_PIXELS}.
 * @example await workUnits(PIPELINES["text-to-image"], { width: 512, height: 512, num_inference_steps: 4 }) // 1048576
 */
export async function workUnits(
  pipeline: WorkUnitSource,
  body: Record<string, unknown>,
  measure: MediaMeasure = headerMeasure,
): Promise<number> {
  const { units, files } = pipeline;
  const measured = new Map<string, Awaited<ReturnType<MediaMeasure>>>();
  // An in-memory part is measured as it is: reading its field would build a File of it (a copy of the upload).
  const fileOf = (field: string) => {
    const value = uploadedPart(body, field) ?? body[field];
    return value instanceof Blob || value instanceof UploadedPart ? value : undefined;
  };
  const fileSize = async (field: string) => {
    if (!measured.has(field)) {
      const file = fileOf(field);
      const kind = files[field];
      measured.set(field, file && kind ? await measure(file, kind) : undefined);
    }
    return measured.get(field);
  };
  const factor = (field: string | undefined) => {
    const v = field === undefined ? undefined : body[field];
    return typeof v === "number" && Number.isFinite(v) ? Math.max(1, v) : 1;
  };
  let pixels: number;
  const sources = typeof units.pixels === "string" ? [units.pixels] : units.pixels;
  if (sources.every((f) => f in files)) {
    const size = await fileSize(sources.find((f) => fileOf(f)) ?? sources[0]!);
    pixels = size ? size.width * size.height : FALLBACK_PIXELS;
  } else {
    const [w, h] = sources.map((f) => body[f]);
    pixels = typeof w === "number" && typeof h === "number" ? w * h : FALLBACK_PIXELS;
  }
  let frames =
    typeof units.frames === "number"
      ? units.frames
      : units.frames !== undefined && units.frames in files
        ? ((await fileSize(units.frames))?.frames ?? 1)
        : factor(units.frames);
  if (units.rate) frames = await rateFrames(units, body, fileSize, fileOf, frames);
  return pixels * frames * factor(units.steps) * factor(units.images);
}

/** The output frames of a {@link RateRecipe}: from the video's count and duration, or from an image pair. */
async function rateFrames(
  units: WorkUnitRecipe,
  body: Record<string, unknown>,
  fileSize: (field: string) => Promise<VideoSize | undefined>,
  fileOf: (field: string) => Blob | UploadedPart | undefined,
  sourceFrames: number,
): Promise<number> {
  const rate = units.rate!;
  const num = (field: string | undefined) => {
    const v = field === undefined ? undefined : body[field];
    return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const video = typeof units.frames === "string" && fileOf(units.frames) !== undefined;
  let source: InterpolatedSource;
  if (video) {
    const size = await fileSize(units.frames as string);
    // A video whose count is unknown (a container not measured, or one that lists no sample) counts as before: one frame.
    if (size?.frames === undefined) return sourceFrames;
    source = { frames: size.frames, seconds: size.seconds };
  } else {
    const fps = num(rate.source_fps) ?? 1;
    source = { frames: 2, seconds: 2 / fps };
  }
  return interpolatedFrames(source, {
    outputFps: num(rate.output_fps),
    multiplier: num(rate.multiplier),
    timesToInterpolate: num(rate.times_to_interpolate),
  });
}
