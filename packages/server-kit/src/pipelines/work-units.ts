/**
 * @module Units of work of a job — pixels × frames × steps × images — counted from a validated body by the recipe
 * in the spec's `x-avs-pipeline` extension (the generated `PIPELINES` table), so that latencies and prices of
 * different jobs compare per unit. Image inputs are sized from their header, MP4/MOV videos from their index, without decoding.
 */
import { imageSize } from "../media/image-size.js";
import { mp4VideoSize } from "../media/mp4-video-size.js";

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
}

/** The parts of a `PIPELINES` entry that work units are counted from. */
export interface WorkUnitSource {
  readonly files: Readonly<Record<string, MediaKind>>;
  readonly units: WorkUnitRecipe;
}

/** What can be read from an uploaded file without decoding it; undefined where nothing could be read. */
export type MediaMeasure = (
  file: Blob,
  kind: MediaKind,
) => Promise<{ width: number; height: number; frames?: number } | undefined>;

/** Pixels assumed for a file whose size could not be read. */
export const FALLBACK_PIXELS = 512 * 512;

/**
 * Reads an image's size from its header, and an MP4/MOV video's frame size and frame count from its index; other
 * video containers are not measured here (a caller can supply a probe as its own {@link MediaMeasure}).
 * @example await headerMeasure(new Blob([png]), "image") // { width: 64, height: 48 }
 */
export const headerMeasure: MediaMeasure = async (file, kind) =>
  kind === "image" ? imageSize(new Uint8Array(await file.slice(0, 65536).arrayBuffer())) : mp4VideoSize(file);

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
  const fileSize = async (field: string) => {
    if (!measured.has(field)) {
      const file = body[field];
      const kind = files[field];
      measured.set(field, file instanceof Blob && kind ? await measure(file, kind) : undefined);
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
    const size = await fileSize(sources.find((f) => body[f] instanceof Blob) ?? sources[0]!);
    pixels = size ? size.width * size.height : FALLBACK_PIXELS;
  } else {
    const [w, h] = sources.map((f) => body[f]);
    pixels = typeof w === "number" && typeof h === "number" ? w * h : FALLBACK_PIXELS;
  }
  const frames =
    typeof units.frames === "number"
      ? units.frames
      : units.frames !== undefined && units.frames in files
        ? ((await fileSize(units.frames))?.frames ?? 1)
        : factor(units.frames);
  return pixels * frames * factor(units.steps) * factor(units.images);
}
