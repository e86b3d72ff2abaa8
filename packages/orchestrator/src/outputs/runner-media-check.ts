/**
 * @module What a runner's job answer must hold before anything of it reaches a client: the runner API
 * (specs/runner.yaml, Livepeer's ai-runner contract) answers media as inline `data:` URLs, so any other URL — a
 * runner-chosen `http://169.254.169.254/…` — is refused, never passed on; each one of the pipeline's media type
 * (PNG images, or an mp4 for the video pipelines) whose bytes start as that type's do; and as many as the request
 * determines (`num_images_per_prompt` images, one video). An external runner is any server speaking the runner API,
 * not a trusted party: what is wrong is said in a 502 that blames the runner.
 */
import { DataUrl, type RunnerAnswer, type RunnerMedia } from "@ai-video-subnet/runner-client/node";
import { PIPELINES, type PipelineEntry } from "../generated/orchestrator-pipelines.js";
import { wholeMediaProblem } from "./media-bytes.js";

/** The media a pipeline's runner answers, and how many. */
export interface ExpectedMedia {
  /** `images` (a list of media) or `frames` (one list of PNG frames per video, encoded here). */
  shape: "images" | "frames";
  /** The media type of each entry (each frame for `frames`). */
  type: "image/png" | "video/mp4";
  /** How many entries of `images`, or videos of `frames`. */
  count: number;
}

/**
 * The answer the request asks of a pipeline's runner, from the generated pipelines table: `frames` of one video for
 * image-to-video (Livepeer's runner answers the frames; they are encoded here), one mp4 for another pipeline whose
 * work counts frames (the video pipelines), else as many PNGs as its images field asks for (default 1).
 * @example expectedMedia("text-to-image", { num_images_per_prompt: 2 }) // { shape: "images", count: 2, … }
 */
export function expectedMedia(pipeline: string, body: Record<string, unknown>): ExpectedMedia {
  if (pipeline === "image-to-video") return { shape: "frames", type: "image/png", count: 1 };
  const units = (PIPELINES as Record<string, PipelineEntry | undefined>)[pipeline]?.units;
  if (units?.frames !== undefined) return { shape: "images", type: "video/mp4", count: 1 };
  const n = units?.images === undefined ? undefined : body[units.images];
  return { shape: "images", type: "image/png", count: typeof n === "number" ? n : 1 };
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)(?:;[^,]*)?;base64,/i;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * What is wrong with a runner's answer for `expected`, or undefined when nothing is. Without `whole`, only the first
 * bytes of each data URL are decoded (its signature), so the check costs nothing next to the answer's size: for
 * media `deliverMedia` decodes into the store, which checks the rest as it decodes (`decodeMedia`). With
 * `whole`, for media passed on as they came or fed to ffmpeg, each URL's whole base64 and its file's end are checked.
 * @example mediaProblem({ images: [] }, { shape: "images", type: "image/png", count: 1 }) // "it has 0 images; …"
 */
export function mediaProblem(answer: RunnerAnswer, expected: ExpectedMedia, whole = false): string | undefined {
  const list = (answer as Record<string, unknown>)[expected.shape];
  if (!Array.isArray(list)) return `it has no ${expected.shape} list`;
  const noun = expected.shape === "images" ? "images" : "videos";
  if (list.length !== expected.count) {
    return `it has ${list.length} ${noun}; the request asks for ${expected.count}`;
  }
  if (expected.shape === "images") {
    for (let i = 0; i < list.length; i++) {
      const why = entryProblem(list[i], expected.type, whole);
      if (why) return `images[${i}]${why}`;
    }
    return undefined;
  }
  for (let v = 0; v < list.length; v++) {
    const frames = list[v] as unknown;
    if (!Array.isArray(frames) || frames.length === 0) return `frames[${v}] is not a list of frames`;
    for (let i = 0; i < frames.length; i++) {
      const why = entryProblem(frames[i], expected.type, whole);
      if (why) return `frames[${v}][${i}]${why}`;
    }
  }
  return undefined;
}

/** What is wrong with one Media entry (after its place in the answer), or undefined. */
function entryProblem(entry: unknown, type: ExpectedMedia["type"], whole: boolean): string | undefined {
  const url = (entry as RunnerMedia | null)?.url;
  let mediaType: string;
  let head: Buffer;
  if (url instanceof DataUrl) {
    mediaType = url.mediaType;
    head = url.head(12);
  } else if (typeof url === "string") {
    const m = DATA_URL.exec(url);
    if (!m) return ".url is not a base64 data: URL (a runner's media must be inline)";
    mediaType = m[1]!.toLowerCase();
    head = Buffer.from(url.slice(m[0].length, m[0].length + 16), "base64").subarray(0, 12);
  } else return " has no url";
  if (mediaType !== type) return ` is ${mediaType}; this pipeline's media are ${type}`;
  if (!hasSignature(head, type))
    return ` is not ${type}: its bytes do not start as ${type === "image/png" ? "a PNG" : "an mp4"}'s do`;
  return whole ? wholeMediaProblem(url, type) : undefined;
}

function hasSignature(head: Buffer, type: ExpectedMedia["type"]): boolean {
  if (type === "image/png") return head.subarray(0, 8).equals(PNG_SIGNATURE);
  // An ISO base media file opens with its `ftyp` box: a 4-byte size, then the type.
  return head.length >= 8 && head.toString("latin1", 4, 8) === "ftyp";
}
