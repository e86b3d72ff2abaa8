/**
 * @module The streaming video upscaler: decode → upscale each frame → encode, with a few frames in flight. Frames
 * are decoded by ffmpeg on this thread while the model works on earlier ones (in the runner, in the inference
 * worker, one `upscaleFrame` call per frame), and each result goes to the encoder as soon as its turn comes, so
 * memory holds a bounded number of frames whatever the video's length. The output keeps the source's frame count,
 * timestamps and audio (see `video/encode.ts`). Progress is reported per frame; an abort is checked between frames.
 */
import { decodeVideo } from "../../video/decode.js";
import { type AudioOutcome, createVideoEncoder, encodeOptionsFor } from "../../video/encode.js";
import { mapInOrder } from "../../video/map-in-order.js";
import type { VideoProbe } from "../../video/probe.js";

/**
 * Upscales one RGB frame (`width * height * 3` bytes) by the model's scale factor. In the runner this is a call
 * into the inference worker (the frame's buffer is transferred, so it must not be used afterwards); in tests, the
 * upscale pipeline's own tiled run in-process.
 */
export type FrameUpscaler = (rgb: Uint8Array, width: number, height: number) => Promise<Uint8Array>;

/**
 * The job control of the runner's pipeline contract, as far as this loop needs it: progress reports and the abort
 * flag (a `SharedArrayBuffer` flag in the runner, seen between frames without yielding).
 */
export interface VideoJobControl {
  progress?(p: { stage: string; step: number; total: number }): void;
  readonly aborted?: boolean;
  throwIfAborted?(): void;
}

/** Options of {@link upscaleVideo}. */
export interface UpscaleVideoOptions {
  probe: VideoProbe;
  /** The mp4 to write; removed again if the job fails or is aborted. */
  output: string;
  /** The model's scale factor (the frames `upscaleFrame` returns are this many times larger on each side). */
  scale: number;
  upscaleFrame: FrameUpscaler;
  control?: VideoJobControl;
  /** Aborting it kills ffmpeg at once and fails the job with `signal.reason`. */
  signal?: AbortSignal;
  /** Frames handed to `upscaleFrame` ahead of the one being encoded (default 2: the model never waits for the decoder). */
  inFlight?: number;
  /** Carry over the source's audio (default true). */
  audio?: boolean;
  /** x264 settings (see `EncodeOptions`). */
  crf?: number;
  preset?: string;
  ffmpeg?: string;
}

/** What an upscaled video is. */
export interface UpscaleVideoResult {
  output: string;
  frames: number;
  /** Encoded size (even sides: an odd ×3 result gets its last row or column repeated). */
  width: number;
  height: number;
  audio: AudioOutcome;
}

/** Throws when the job was cancelled, through the control's own error when it has one. */
function checkAborted(control: VideoJobControl | undefined, signal: AbortSignal | undefined) {
  control?.throwIfAborted?.();
  if (control?.aborted) throw new DOMException("the video job was cancelled", "AbortError");
  signal?.throwIfAborted();
}

/**
 * Upscales the probed video into `output` (H.264 yuv420p mp4, `+faststart`): same frame count, timestamps and
 * audio. Reports `{ stage: "upscale", step: i, total: frames }` after each frame is encoded.
 * @example
 * const probe = await probeVideo(upload, { limits, scale: 4 });
 * await upscaleVideo({ probe, output: "/tmp/out.mp4", scale: 4, upscaleFrame: (rgb, w, h) => worker.run(rgb, w, h), control });
 */
export async function upscaleVideo(options: UpscaleVideoOptions): Promise<UpscaleVideoResult> {
  const { probe, scale, control, upscaleFrame } = options;
  const { width, height, frames } = probe.video;
  const outBytes = width * scale * height * scale * 3;
  // One controller for the job: the caller's signal, and the control's flag seen between frames, both end in it.
  const job = new AbortController();
  const onAbort = () => job.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  // A failure or a cancellation kills both ffmpeg processes at once (through the job's signal), before the frames
  // still with the model are waited for.
  const stop = (err: unknown) => {
    if (!job.signal.aborted) job.abort(err);
    return err;
  };
  const encoder = createVideoEncoder({
    ...encodeOptionsFor(probe, scale, options.audio ?? true),
    output: options.output,
    signal: job.signal,
    ...(options.crf !== undefined ? { crf: options.crf } : {}),
    ...(options.preset !== undefined ? { preset: options.preset } : {}),
    ...(options.ffmpeg ? { ffmpeg: options.ffmpeg } : {}),
  });
  try {
    checkAborted(control, job.signal);
    const decoded = decodeVideo(probe, { signal: job.signal, ...(options.ffmpeg ? { ffmpeg: options.ffmpeg } : {}) });
    const upscaled = mapInOrder(
      decoded,
      async (frame) => {
        try {
          checkAborted(control, job.signal);
          const rgb = await upscaleFrame(frame.rgb, frame.width, frame.height);
          if (rgb.length !== outBytes) {
            throw new Error(
              `upscaleFrame returned ${rgb.length} bytes for frame ${frame.index + 1}; a ×${scale} ${width}×${height} frame is ${outBytes}`,
            );
          }
          return { rgb, pts: frame.pts };
        } catch (err) {
          throw stop(err);
        }
      },
      { inFlight: options.inFlight ?? 2 },
    );
    let step = 0;
    for await (const frame of upscaled) {
      await encoder.write(frame.rgb, frame.pts);
      control?.progress?.({ stage: "upscale", step: ++step, total: frames });
      try {
        checkAborted(control, job.signal);
      } catch (err) {
        throw stop(err);
      }
    }
    const result = await encoder.finish();
    return {
      output: result.output,
      frames: result.frames,
      width: result.width,
      height: result.height,
      audio: result.audio,
    };
  } catch (err) {
    await encoder.abort();
    throw err;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}
