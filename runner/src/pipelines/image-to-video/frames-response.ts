/**
 * @module The runner's image-to-video answer, Livepeer's `VideoResponse` `{"frames":[[{"url","seed","nsfw"}, …]]}`
 * with each frame a PNG `data:` URL, written as a stream. A few frames are encoded ahead ({@link ENCODE_AHEAD}) while
 * earlier ones are sent: up to 128×128 with zlib on this thread, up to 256×256 with zlib on libuv's pool, larger
 * ones with sharp on the pool (frame-png.ts),
 * and a frame's pixels are let go once its PNG is made, so the answer never holds a second copy of the whole video
 * (25 frames of 1024×576 are 44 MB raw).
 */
import type { RgbImage } from "../../image/decode.js";
import { encodeFramePng } from "./frame-png.js";

/** Frames being encoded ahead of the one being sent (libuv's pool has 4 threads by default). */
export const ENCODE_AHEAD = 4;

/** How the frames are encoded and labelled. */
export interface FramesAnswer {
  seed: number;
  /** True when a safety checker flagged the video (no SVD layout ships one, so the pipeline passes false). */
  nsfw: boolean;
  /** zlib level of the PNGs (the runner's `PNG_COMPRESSION`). */
  pngCompression: number;
}

/**
 * A streamed JSON `Response` holding one video's frames; `frames` is emptied as they are encoded.
 *
 * @example
 * return framesResponse(output.frames, { seed, nsfw: false, pngCompression: 1 });
 */
export function framesResponse(frames: RgbImage[], answer: FramesAnswer): Response {
  if (!Number.isSafeInteger(answer.seed)) throw new Error(`a seed must be an integer, got ${answer.seed}`);
  const total = frames.length;
  const tail = `","seed":${answer.seed},"nsfw":${answer.nsfw === true}}`;
  const encoding: Promise<Buffer>[] = [];
  const fill = () => {
    while (encoding.length < ENCODE_AHEAD && frames.length > 0) {
      const png = encodeFramePng(frames.shift() as RgbImage, answer.pngCompression);
      // Rejections are seen when the frame's turn comes (or the stream is cancelled); never unhandled.
      png.catch(() => {});
      encoding.push(png);
    }
  };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === total) {
        controller.enqueue(Buffer.from(total === 0 ? '{"frames":[[]]}' : "]]}", "latin1"));
        controller.close();
        return;
      }
      fill();
      const png = await (encoding.shift() as Promise<Buffer>);
      fill();
      const head = `${sent === 0 ? '{"frames":[[' : ","}{"url":"data:image/png;base64,`;
      // Every character is ASCII, so latin1 is UTF-8 here.
      controller.enqueue(Buffer.from(`${head}${png.toString("base64")}${tail}`, "latin1"));
      sent++;
    },
    cancel() {
      frames.length = 0;
      encoding.length = 0;
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}
