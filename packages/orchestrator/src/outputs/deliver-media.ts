/**
 * @module Turns a runner's answer into the orchestrator's: `images` are stored and returned as URLs this
 * orchestrator serves (delivery `url`) or passed on as `data:` URLs (delivery `data`); `frames` (a video per
 * list) are encoded to one mp4 each and returned as entries of `images`. With the job's abort signal (the caller hung
 * up), nothing more is delivered: a running encode's ffmpeg is killed, its partial file removed, nothing stored, and
 * the promise rejects with the signal's reason.
 */
import { readFile, unlink } from "node:fs/promises";
import { DataUrl, type RunnerMedia } from "@ai-video-subnet/runner-client/node";
import { HttpError, shortOfResources } from "@ai-video-subnet/server-kit";
import { decodeMedia } from "./media-bytes.js";
import { encodeMp4, Mp4EncodeError } from "./mp4.js";
import { MEDIA_TYPES, type MediaExt, type OutputStore } from "./output-store.js";

/** A media entry of the specs. */
export interface Media {
  url: string;
  seed: number;
  nsfw: boolean;
}

/**
 * A media entry of an answer being built: `url` is a {@link DataUrl} still inside the runner's answer when it is
 * passed on inline (`data` delivery); {@link answerJson} copies its bytes into the answer.
 */
export interface DeliveredMedia {
  url: string | DataUrl;
  seed: number;
  nsfw: boolean;
}

/** How media URLs deliver bytes (the `X-Media-Delivery` header). */
export type MediaDelivery = "url" | "data";

/** What {@link deliverMedia} needs. */
export interface DeliveryContext {
  delivery: MediaDelivery;
  store: OutputStore;
  /** Base of the URLs of stored media, e.g. `https://orch.example.com` (no trailing slash). */
  publicUrl: string;
  /** Frames per second of encoded videos. */
  fps: number;
  /** The ffmpeg command that encodes videos (default `ffmpeg`). */
  ffmpeg?: string;
  /** The job's signal (its caller hung up): stops the delivery, killing a running encode. */
  signal?: AbortSignal;
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)(?:;[^,]*)?;base64,/i;
const EXT: Record<string, MediaExt> = { "image/png": "png", "video/mp4": "mp4" };

/**
 * What {@link deliverMedia} throws for a data URL whose bytes it decoded for the store and found broken; its message
 * says what was wrong, after the entry's place (`images[0] is a truncated PNG: …`). The runner's fault, not this
 * server's: the job's handler turns it into the same 502 as a problem `mediaProblem` finds.
 */
export class UnusableMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnusableMediaError";
  }
}

/**
 * Every data URL of `images` is decoded (and checked whole) before any is stored, so a broken one stores nothing.
 * Inline media (delivery `data`) and frames are passed on or encoded as they came: check them whole first
 * (`mediaProblem` with `whole`).
 * @example
 * const { images } = await deliverMedia({ images: [{ url: "data:image/png;base64,...", seed: 1, nsfw: false }] }, ctx);
 * // images[0].url = "http://127.0.0.1:8935/outputs/Xy...Z.png"
 */
export async function deliverMedia(
  result: { images?: RunnerMedia[]; frames?: RunnerMedia[][] },
  ctx: DeliveryContext,
): Promise<{ images: DeliveredMedia[] }> {
  ctx.signal?.throwIfAborted();
  if (Array.isArray(result.images)) {
    if (ctx.delivery === "data") return { images: result.images };
    const bytes = result.images.map((m, i) => decoded(m, i));
    return { images: result.images.map((m, i) => stored(m, bytes[i], ctx)) };
  }
  if (Array.isArray(result.frames)) {
    return { images: await Promise.all(result.frames.map((video) => encodeVideo(video, ctx))) };
  }
  throw new HttpError(500, "the runner's answer has neither images nor frames");
}

/** The bytes of a data URL entry (its URL's text decoded in place), or undefined for an entry passed on as it is. */
function decoded(media: RunnerMedia, i: number): { bytes: Buffer; ext: MediaExt } | undefined {
  const { url } = media;
  const type = url instanceof DataUrl ? url.mediaType : DATA_URL.exec(url)?.[1];
  if (type === undefined) return undefined;
  const ext = extOf(type);
  const bytes = decodeMedia(url, MEDIA_TYPES[ext]);
  if (typeof bytes === "string") throw new UnusableMediaError(`images[${i}]${bytes}`);
  return { bytes, ext };
}

function stored(media: RunnerMedia, bytes: ReturnType<typeof decoded>, ctx: DeliveryContext): DeliveredMedia {
  if (!bytes) return media;
  // Decoded in place, the bytes keep their base64 text's room in the runner's answer alive: the store counts that.
  const held = Math.ceil(bytes.bytes.length / 3) * 4;
  return { ...media, url: `${ctx.publicUrl}/outputs/${ctx.store.put(bytes.bytes, bytes.ext, held)}` };
}

function extOf(mediaType: string): MediaExt {
  const ext = EXT[mediaType.toLowerCase()];
  if (!ext) throw new HttpError(500, `the runner returned media of type ${mediaType}; expected image/png or video/mp4`);
  return ext;
}

async function encodeVideo(frames: RunnerMedia[], ctx: DeliveryContext): Promise<Media> {
  if (frames.length === 0) throw new HttpError(500, "the runner returned a video without frames");
  frames.forEach((f, i) => {
    const type = f.url instanceof DataUrl ? f.url.mediaType : DATA_URL.exec(f.url)?.[1]?.toLowerCase();
    if (type !== "image/png") {
      throw new HttpError(500, `frame ${i} of the runner's video is not a PNG data URL`);
    }
  });
  // Each frame's PNG bytes are decoded from its data URL only when ffmpeg takes it.
  function* pngs() {
    for (const { url } of frames) {
      yield url instanceof DataUrl ? url.bytes() : Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
    }
  }
  const tmp = ctx.store.encodingPath();
  try {
    await encodeMp4(pngs(), ctx.fps, tmp, ctx.ffmpeg, ctx.signal);
    // A hang-up as ffmpeg finished: the file is nobody's.
    ctx.signal?.throwIfAborted();
  } catch (err) {
    await unlink(tmp).catch(() => {});
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    // A full disk is this server's shortage, as on upload: 503 with Retry-After, not the job's failure.
    if (err instanceof Mp4EncodeError && err.diskFull) throw shortOfResources("to encode the video", err);
    throw new HttpError(500, (err as Error).message, { cause: err });
  }
  const seed = frames[0]!.seed;
  const nsfw = frames.some((f) => f.nsfw);
  if (ctx.delivery === "data") {
    const bytes = await readFile(tmp);
    await unlink(tmp).catch(() => {});
    return { url: `data:video/mp4;base64,${bytes.toString("base64")}`, seed, nsfw };
  }
  const name = await ctx.store.adopt(tmp, "mp4");
  return { url: `${ctx.publicUrl}/outputs/${name}`, seed, nsfw };
}

const QUOTE = Buffer.from('"');

/**
 * The JSON text of an answer, as `JSON.stringify` writes it, with each {@link DataUrl} written as the bytes the
 * runner sent (a JSON string without escapes, so they need none here): an inline image is copied once, never
 * decoded, re-encoded or turned into a JS string.
 * @example return jsonAnswer(c, answerJson(await deliverMedia(result, ctx)));
 */
export function answerJson(answer: { images: DeliveredMedia[] }): string | Buffer {
  if (!answer.images.some((m) => m.url instanceof DataUrl)) return JSON.stringify(answer);
  const pieces: Buffer[] = [];
  let text = '{"images":[';
  answer.images.forEach((media, i) => {
    text += i === 0 ? "{" : ",{";
    let first = true;
    // Every own field, in order, as JSON.stringify would (it skips undefined values).
    for (const [key, value] of Object.entries(media)) {
      if (value === undefined) continue;
      text += `${first ? "" : ","}${JSON.stringify(key)}:`;
      first = false;
      if (value instanceof DataUrl) {
        pieces.push(Buffer.from(text), QUOTE, value.raw(), QUOTE);
        text = "";
      } else text += JSON.stringify(value);
    }
    text += "}";
  });
  pieces.push(Buffer.from(`${text}]}`));
  return Buffer.concat(pieces);
}
