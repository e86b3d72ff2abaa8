/**
 * @module The runner's image-to-video answer, Livepeer's `VideoResponse` `{"frames":[[{"url","seed","nsfw"}, …]]}`
 * with each frame a PNG `data:` URL, written as a stream while the video is still being decoded: frames arrive in
 * batches through a {@link FrameFeed} (the worker hands out a chunk at a time), a few are encoded ahead
 * ({@link ENCODE_AHEAD}) while earlier ones are sent — up to 128×128 with zlib on this thread, up to 256×256 with zlib
 * on libuv's pool, larger ones with sharp on the pool (frame-png.ts) — and a frame's pixels are let go once its PNG
 * is made, so the answer never holds a second copy of the video, nor the whole video at once. Once a batch's last
 * frame is encoded, the batch's buffers are collected at once (large batches only) and the feed reports it drained,
 * which is when the pipeline asks the worker for the next batch.
 */
import type { RgbImage } from "../../image/decode.js";
import { mark } from "../../internal/timeline.js";
import { encodeFramePng } from "./frame-png.js";
import { releaseDeadOutput } from "./release-outputs.js";

/** Frames being encoded ahead of the one being sent (libuv's pool has 4 threads by default). */
export const ENCODE_AHEAD = 4;

/** How the frames are encoded and labelled. */
export interface FramesAnswer {
  seed: number;
  /** True when the model's safety checker flagged the conditioning image (false without a checker or a check). */
  nsfw: boolean;
  /** zlib level of the PNGs (the runner's `PNG_COMPRESSION`). */
  pngCompression: number;
}

/**
 * The frames of one video on their way from the generation to the answer: the producer pushes batches in order and
 * ends (or fails) the feed; the answer takes frames one at a time as it encodes them, and reports each batch encoded.
 *
 * @example
 * const feed = new FrameFeed();
 * feed.push(batch.frames); await feed.drained(); feed.push(next.frames); feed.end();
 */
export class FrameFeed {
  readonly #frames: RgbImage[] = [];
  /** For each frame in `#frames`: the bytes of its batch when it is the batch's last frame, else 0. */
  readonly #batchEnds: number[] = [];
  /** Batches pushed whose last frame was not encoded yet. */
  #unencoded = 0;
  #ended = false;
  #cancelled = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  #drain: { resolve(): void; reject(err: unknown): void } | undefined;

  /**
   * Adds one batch of frames (in order); ignored once the answer was cancelled. The batch's bytes are let go once
   * its last frame is taken and encoded (see {@link FrameFeed.takeWithBatch}).
   */
  push(frames: readonly RgbImage[]): void {
    if (this.#cancelled || frames.length === 0) return;
    let bytes = 0;
    for (const f of frames) {
      this.#frames.push(f);
      this.#batchEnds.push(0);
      bytes += f.pixels.byteLength;
    }
    this.#batchEnds[this.#batchEnds.length - 1] = bytes;
    this.#unencoded++;
    this.#notify();
  }

  /** No more frames will come. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The generation failed: the answer stops with `err` after the frames already given. */
  fail(err: unknown): void {
    if (this.#ended) return;
    this.#error = err;
    this.end();
  }

  /**
   * Resolves once every frame pushed so far was encoded (its pixels let go); rejects when the answer was cancelled
   * (the client left).
   */
  drained(): Promise<void> {
    if (this.#cancelled) return Promise.reject(new Error("the answer was cancelled"));
    if (this.#unencoded === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#drain = { resolve, reject };
    });
  }

  /**
   * The next frame if one is here now, with `batchBytes`: the bytes of the batch it ends (0 when it does not end
   * one), so that the caller can let the batch's memory go once that frame (the batch's last) is encoded.
   */
  takeWithBatch(): { frame: RgbImage; batchBytes: number } | undefined {
    const frame = this.#frames.shift();
    const batchBytes = this.#batchEnds.shift() ?? 0;
    return frame && { frame, batchBytes };
  }

  /** The last frame of a batch was encoded (so were the ones before it): {@link FrameFeed.drained} may resolve. */
  batchEncoded(): void {
    this.#unencoded--;
    if (this.#unencoded > 0 || !this.#drain) return;
    const drain = this.#drain;
    this.#drain = undefined;
    drain.resolve();
  }

  /** True once the feed ended and every frame was taken. */
  get finished(): boolean {
    return this.#ended && this.#frames.length === 0;
  }

  /** Waits until there is a frame to take or the feed ended; rejects with the generation's error once it failed. */
  async ready(): Promise<void> {
    while (this.#frames.length === 0 && !this.#ended) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    if (this.#frames.length === 0 && this.#error !== undefined) throw this.#error;
  }

  /** The answer was cancelled: frames are dropped, the producer's `drained` rejects. */
  cancel(): void {
    this.#cancelled = true;
    this.#frames.length = 0;
    this.#batchEnds.length = 0;
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.reject(new Error("the answer was cancelled"));
  }

  #notify() {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * A streamed JSON `Response` of the video whose frames come through `feed`.
 *
 * @example
 * const feed = new FrameFeed();
 * feed.push(frames);
 * feed.end();
 * return framesResponse(feed, { seed, nsfw: false, pngCompression: 1 });
 */
export function framesResponse(feed: FrameFeed, answer: FramesAnswer): Response {
  if (!Number.isSafeInteger(answer.seed)) throw new Error(`a seed must be an integer, got ${answer.seed}`);
  const tail = `","seed":${answer.seed},"nsfw":${answer.nsfw === true}}`;
  // Each PNG being made, with the bytes of the batch its frame ends (0 if none).
  const encoding: { png: Promise<Buffer>; batchBytes: number }[] = [];
  const fill = () => {
    while (encoding.length < ENCODE_AHEAD) {
      const next = feed.takeWithBatch();
      if (!next) return;
      const png = encodeFramePng(next.frame, answer.pngCompression);
      // Rejections are seen when the frame's turn comes (or the stream is cancelled); never unhandled.
      png.catch(() => {});
      encoding.push({ png, batchBytes: next.batchBytes });
    }
  };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      fill();
      while (encoding.length === 0) {
        if (feed.finished) {
          await feed.ready(); // throws the generation's error, if any
          mark("answer-end");
          controller.enqueue(Buffer.from(sent === 0 ? '{"frames":[[]]}' : "]]}", "latin1"));
          controller.close();
          return;
        }
        await feed.ready();
        fill();
      }
      const { png: encoded, batchBytes } = encoding.shift() as (typeof encoding)[number];
      const png = await encoded;
      // The PNGs are awaited in order, so this batch's frames are all encoded: nothing here holds its pixels any
      // more. They came from the worker in one buffer per decoder chunk, which V8 would free only at a full
      // collection it starts once ~64 MB of such buffers piled up: a whole 1024×576 video. Collected now (large
      // batches only), the next chunk reuses their memory.
      if (batchBytes > 0) {
        releaseDeadOutput(batchBytes);
        feed.batchEncoded();
      }
      fill();
      const head = `${sent === 0 ? '{"frames":[[' : ","}{"url":"data:image/png;base64,`;
      // Every character is ASCII, so latin1 is UTF-8 here. Written piece by piece into the chunk: a joined string
      // would be one more copy of the frame's base64 on the heap.
      const base64 = png.toString("base64");
      const chunk = Buffer.allocUnsafe(head.length + base64.length + tail.length);
      let at = chunk.write(head, 0, "latin1");
      at += chunk.write(base64, at, "latin1");
      chunk.write(tail, at, "latin1");
      mark("answer-chunk");
      controller.enqueue(chunk);
      sent++;
    },
    cancel() {
      feed.cancel();
      encoding.length = 0;
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}
