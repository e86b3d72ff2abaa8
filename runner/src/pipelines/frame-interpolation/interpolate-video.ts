/**
 * @module The frame-interpolation core as a video job: a stream of source frames and a {@link FramePlan} in, an
 * H.264 yuv420p mp4 (`+faststart`, no audio) out. Source frames are pulled one at a time (from ffmpeg's decoder, two
 * decoded images, or any other generator, e.g. an image-to-video model's frames), FILM fills the gaps
 * (`interpolate-stream.ts`) and each output frame goes to the encoder as soon as it exists, so memory holds a few
 * frames whatever the video's length. Output frame j is written at pts j in a time base of 1 / the plan's rate, or,
 * for a plan with a time base of its own (midpoints on a variable-rate timeline), at its planned pts in that one:
 * timestamps are exact and the file lasts the plan's duration.
 *
 * The three stages overlap: an async source (ffmpeg's decoder) is read one frame ahead of the frame the driver
 * asked for (`mapInOrder` as a read-ahead), so its pipe is drained and the next frame decoded while `session.run`
 * works; the driver asks for the next output frame before the current one is written (`interpolate-stream.ts`), so
 * a worker computes while this thread writes; the encoder takes up to two frames without waiting
 * (`createVideoEncoder`), so x264 encodes on the other core while the next frame is interpolated. The wall time of
 * a job is then about the slowest stage, not the sum. The decoder is started before the encoder (the route starts
 * it beside the probe, `video-source.ts`): the first frame waits for it, not for the encoder.
 */
import type { RgbImage } from "../../image/decode.js";
import { createVideoEncoder, type VideoEncoder } from "../../video/encode.js";
import { mapInOrder } from "../../video/map-in-order.js";
import type { FramePlan } from "./frame-plan.js";
import { type FrameLoopControl, type InferFrame, interpolateFrames } from "./interpolate-stream.js";

/** Options of {@link interpolateVideo}. */
export interface InterpolateVideoOptions {
  /** The source frames, in order, all of the plan's source frame count and of one size. */
  source: AsyncIterable<RgbImage> | Iterable<RgbImage>;
  plan: FramePlan;
  /** The frame at `t` between two source frames (in the runner, a call into the inference worker). */
  infer: InferFrame;
  /** Size of the source frames (and of the output). */
  width: number;
  height: number;
  /** The mp4 to write; removed again if the job fails or is aborted. */
  output: string;
  /** Progress (`interpolate`, per output frame) and the abort flag, checked between frames. */
  control?: FrameLoopControl;
  /** Aborting it kills the encoder at once. */
  signal?: AbortSignal;
  /** x264 settings (see `EncodeOptions`). */
  crf?: number;
  preset?: string;
  /** x264's threads (see `EncodeOptions.threads`). */
  encoderThreads?: number;
  ffmpeg?: string;
  /** Called at the encoder's milestones (see `EncodeOptions.trace`), for timelines. */
  trace?: (event: string) => void;
}

/** What an interpolated video is. */
export interface InterpolateVideoResult {
  output: string;
  frames: number;
  /** Encoded size (even sides: an odd side gets its last row or column repeated). */
  width: number;
  height: number;
  /** Output frame rate and duration in seconds, as planned. */
  fps: number;
  duration: number;
}

/**
 * Interpolates `source` by `plan` into the mp4 `output`.
 * @throws {FrameInterpolationError} when the source does not match the plan (frame count or size); whatever
 *   `infer` throws; the control's abort error. The partial file is removed in every case.
 * @example
 * const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
 * await interpolateVideo({ source: svdFrames, plan, infer, width: 1024, height: 576, output: "/tmp/out.mp4" });
 */
export async function interpolateVideo(options: InterpolateVideoOptions): Promise<InterpolateVideoResult> {
  const { plan } = options;
  // The decoder starts first: the first frame waits for it, while the encoder's start-up is hidden behind the first
  // interpolations (its writes are queued meanwhile). Asking for the first frame spawns it unless it runs already.
  const frames = interpolateFrames(readAhead(options.source), plan, options.infer, options.control);
  const first = frames.next();
  first.catch(() => {});
  let encoder: VideoEncoder | undefined;
  try {
    encoder = createVideoEncoder({
      output: options.output,
      width: options.width,
      height: options.height,
      timeBase: plan.timeBase ?? { num: plan.rate.den, den: plan.rate.num },
      frameRate: plan.rate,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.crf !== undefined ? { crf: options.crf } : {}),
      ...(options.preset !== undefined ? { preset: options.preset } : {}),
      ...(options.encoderThreads !== undefined ? { threads: options.encoderThreads } : {}),
      ...(options.ffmpeg ? { ffmpeg: options.ffmpeg } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
    });
    for (let next = await first; !next.done; next = await frames.next()) {
      await encoder.write(next.value.image.pixels, next.value.pts ?? next.value.index);
    }
    const result = await encoder.finish();
    return {
      output: result.output,
      frames: result.frames,
      width: result.width,
      height: result.height,
      fps: plan.fps,
      duration: plan.duration,
    };
  } catch (err) {
    // Closes the source (killing its decoder) unless the driver has already finished by failing.
    await frames.return(undefined);
    await encoder?.abort();
    throw err;
  }
}

/** An async source read one frame ahead of its consumer (at most two frames held); a sync one (a pair) as it is. */
function readAhead(source: AsyncIterable<RgbImage> | Iterable<RgbImage>): AsyncIterable<RgbImage> | Iterable<RgbImage> {
  if (!(Symbol.asyncIterator in source)) return source;
  return mapInOrder(source, async (frame) => frame, { inFlight: 1 });
}
