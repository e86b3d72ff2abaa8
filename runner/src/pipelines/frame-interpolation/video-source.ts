/**
 * @module The source video of a `/frame-interpolation` job: probed (`probeVideo`, which refuses every unusable
 * upload) and decoded. The decoder can be started together with the probe, so its ffmpeg start-up (~0.1 s here,
 * as much as the probe's) is off the job's critical path: by the time the plan is checked, the first frames are
 * decoded. A refused upload kills that decoder before the refusal is thrown; nothing else changes.
 */
import type { RgbImage } from "../../image/decode.js";
import { decodeVideo, type StartedDecoder, startDecoder } from "../../video/decode.js";
import type { VideoLimits } from "../../video/limits.js";
import { probeVideo, type VideoProbe } from "../../video/probe.js";

/** Options of {@link openVideoSource}. */
export interface VideoSourceOptions {
  limits?: VideoLimits;
  /** Added to the refusal of an image. */
  imageHint?: string;
  /** Start the decoder beside the probe (else it starts when the frames are first read). */
  decodeAhead: boolean;
  /** Kills the decoder. */
  signal?: AbortSignal;
  /** ffmpeg's decoder threads (0 or absent: ffmpeg's choice). */
  decoderThreads?: number;
  /** Called at the decoder's milestones, for timelines. */
  trace?: (event: string) => void;
}

/** A probed video and its frames. */
export interface VideoSource {
  probe: VideoProbe;
  /** The decoded frames, in order (read once). */
  frames(): AsyncIterable<RgbImage>;
  /** Kills a decoder started ahead and never read (reading it to the end, or stopping, kills it too). */
  close(): Promise<void>;
}

/**
 * Probes `path` (without its audio: the mp4 made has none) and, with `decodeAhead`, starts its decoder at the
 * same time.
 * @throws whatever `probeVideo` throws, once the decoder started ahead is gone.
 * @example const source = await openVideoSource(upload, { limits, decodeAhead: true, signal }); try { … source.frames() … } finally { await source.close() }
 */
export async function openVideoSource(path: string, options: VideoSourceOptions): Promise<VideoSource> {
  const { signal, trace } = options;
  const threads = options.decoderThreads;
  const decoding = {
    ...(signal ? { signal } : {}),
    ...(threads ? { threads } : {}),
    ...(trace ? { trace } : {}),
    ...(options.limits ? { maxInputPixels: options.limits.maxInputPixels } : {}),
  };
  let started: StartedDecoder | undefined = options.decodeAhead ? startDecoder(path, decoding) : undefined;
  let probe: VideoProbe;
  try {
    probe = await probeVideo(path, {
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.imageHint ? { imageHint: options.imageHint } : {}),
      ...(signal ? { signal } : {}),
      audio: false,
    });
  } catch (err) {
    await started?.kill();
    throw err;
  }
  return {
    probe,
    frames() {
      const decoder = started;
      started = undefined;
      return framesOf(decodeVideo(probe, { ...decoding, ...(decoder ? { started: decoder } : {}) }));
    },
    async close() {
      await started?.kill();
    },
  };
}

/** Decoded video frames as the driver's RGB frames. */
async function* framesOf(decoded: AsyncIterable<{ width: number; height: number; rgb: Uint8Array }>) {
  for await (const f of decoded) yield { width: f.width, height: f.height, pixels: f.rgb };
}
