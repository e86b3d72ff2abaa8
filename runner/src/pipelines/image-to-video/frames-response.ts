/**
 * @module The runner's image-to-video answer, Livepeer's `VideoResponse` `{"frames":[[{"url","seed","nsfw"}, …]]}`
 * with each frame a PNG `data:` URL, written as a stream: one frame is encoded (on libuv's pool) while the previous one
 * is being sent, and a frame's pixels are let go once its PNG is out, so the answer never holds a second copy of the
 * whole video (25 frames of 1024×576 are 44 MB raw; their base64 PNGs at least as much again).
 */
import type { RgbImage } from "../../image/decode.js";
import { encodePng } from "../../image/encode.js";

/** How the frames are encoded and labelled. */
export interface FramesAnswer {
  seed: number;
  /** True when a safety checker flagged the video (no SVD layout ships one, so the pipeline passes false). */
  nsfw: boolean;
  /** zlib level of the PNGs (the runner's `PNG_COMPRESSION`). */
  pngCompression: number;
}

/**
 * A streamed JSON `Response` holding one video's frames; `frames` is emptied as they are sent.
 *
 * @example
 * return framesResponse(output.frames, { seed, nsfw: false, pngCompression: 1 });
 */
export function framesResponse(frames: RgbImage[], answer: FramesAnswer): Response {
  if (!Number.isSafeInteger(answer.seed)) throw new Error(`a seed must be an integer, got ${answer.seed}`);
  const total = frames.length;
  const tail = `","seed":${answer.seed},"nsfw":${answer.nsfw === true}}`;
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === total) {
        controller.enqueue(Buffer.from(total === 0 ? '{"frames":[[]]}' : "]]}", "latin1"));
        controller.close();
        return;
      }
      const frame = frames.shift() as RgbImage;
      const png = await encodePng(frame, answer.pngCompression);
      const head = `${sent === 0 ? '{"frames":[[' : ","}{"url":"data:image/png;base64,`;
      // Every character is ASCII, so latin1 is UTF-8 here.
      controller.enqueue(Buffer.from(`${head}${png.toString("base64")}${tail}`, "latin1"));
      sent++;
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}
