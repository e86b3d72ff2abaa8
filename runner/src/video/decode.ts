/**
 * @module Decoding a probed video to raw RGB frames, as an async iterable with backpressure: ffmpeg writes rgb24
 * frames to its stdout and each step reads exactly width × height × 3 bytes of them, so ffmpeg runs only as far
 * ahead as the pipe holds. Each frame carries its timestamp from the probe's frame index (ffmpeg's raw output has
 * none; `-fps_mode passthrough` makes ffmpeg emit every decoded frame once, neither dropped nor duplicated, so the
 * i-th frame out is the i-th timestamp). Stopping early, an abort or an error kills ffmpeg before the iterator
 * settles. An HDR stream (PQ or HLG) is tone-mapped to BT.709 SDR on the way, a wide-gamut SDR one converted to
 * BT.709 primaries (`tone-map.ts`); BT.709 SDR takes no filter.
 */
import type { Readable } from "node:stream";
import { ACCEPTED_VIDEOS, UPLOAD_INPUT_OPTIONS } from "./container.js";
import { VideoInputError, VideoProcessError } from "./errors.js";
import { ffmpegPaths } from "./ffmpeg-binaries.js";
import { type FfmpegChild, spawnFfmpeg } from "./ffmpeg-process.js";
import { H264_MAX_SIDE } from "./limits.js";
import type { VideoProbe } from "./probe.js";
import { colorFilter } from "./tone-map.js";

/** One decoded frame. */
export interface VideoFrame {
  /** 0-based position in the stream. */
  index: number;
  /** Presentation timestamp in the stream's time base units (`probe.video.timeBase`). */
  pts: number;
  /** The timestamp in seconds. */
  seconds: number;
  width: number;
  height: number;
  /** `width * height * 3` bytes of RGB, row-major, in a buffer of its own (it can be transferred to a worker). */
  rgb: Uint8Array;
}

/** Options of {@link decodeVideo}. */
export interface DecodeOptions {
  signal?: AbortSignal;
  ffmpeg?: string;
  /** The upload's name in messages. */
  field?: string;
  /** The decoder's threads (`-threads` before the input); 0 or absent: ffmpeg's choice (frame threads per core + 1). */
  threads?: number;
  /** Called at the decoder's milestones (`decoder-spawned`, `decoder-first-frame`, `decoder-last-frame`), for timelines. */
  trace?: (event: string) => void;
  /** A decoder {@link startDecoder} started on the probed file before the probe ended: read it instead of a new one. */
  started?: StartedDecoder;
  /**
   * The input-frame pixel limit (`VideoLimits.maxInputPixels`; default: the probe's). The probe checks the size the
   * headers give, but a stream can change size later: ffmpeg's decoder refuses any frame over
   * {@link decoderPixelCap} of it, and the job gets a 413 (`too_large`).
   */
  maxInputPixels?: number;
}

/**
 * The pixel count ffmpeg's decoder is held to (`-max_pixels`) for a limit of `maxInputPixels`: the limit, and room
 * for the padding of a coded frame, so that no frame within the limit is refused. ffmpeg checks each frame's buffer,
 * whose width it rounds up to a multiple of 64 and whose height the codec pads (e.g. 1920×1088 for 1080p). Room of
 * a sixteenth covers frames of ordinary shapes; a narrow one needs up to 63 columns more over its whole height (a
 * 16×16384 frame is checked as 64×16384), and no side passes {@link H264_MAX_SIDE} (the probe refuses it).
 * @example decoderPixelCap(1280 * 720) // 1970176
 */
export function decoderPixelCap(maxInputPixels: number): number {
  const narrow = 64 * Math.min(H264_MAX_SIDE, maxInputPixels);
  return maxInputPixels + Math.max(Math.ceil(maxInputPixels / 16) + 65536, narrow);
}

/** An ffmpeg decoder started ahead of the probe (see {@link startDecoder}). */
export interface StartedDecoder {
  readonly path: string;
  /** The filter it decodes through: none, as the probe has not told whether the stream is HDR (see {@link decodeVideo}). */
  readonly filter?: string;
  readonly child: FfmpegChild;
  /**
   * Its stdout's reader, attached at once: Node discards the output of a child that exits before anyone listens
   * to it, and a short clip is decoded whole before the probe ends.
   */
  readonly reader: ExactReader;
  /** Kills it unless it has exited: for a decoder never read (the probe refused the upload, the job failed first). */
  kill(): Promise<void>;
}

/**
 * Starts decoding `path` before it is probed, so ffmpeg's start-up (~0.1 s of process start here) runs beside the
 * probe's instead of after it. It decodes the first video stream that is not cover art (`-map 0:V:0`: the stream
 * `probeVideo` picks by the same rule) and, unread, stops when its pipe is full. Hand it to
 * {@link decodeVideo} through `options.started`, or `kill()` it.
 * @example const started = startDecoder(upload, { signal }); const probe = await probeVideo(upload).catch(async (e) => { await started.kill(); throw e })
 */
export function startDecoder(path: string, options: Omit<DecodeOptions, "field" | "started"> = {}): StartedDecoder {
  options.signal?.throwIfAborted();
  const args = decodeArgs(path, "V:0", options.threads, options.maxInputPixels);
  const child = spawnFfmpeg(options.ffmpeg ?? ffmpegPaths().ffmpeg, args, {
    stdout: "pipe",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.trace?.("decoder-spawned");
  return {
    path,
    child,
    reader: new ExactReader(child.process.stdout as Readable, true),
    async kill() {
      await child.kill();
    },
  };
}

/** Reads exact byte counts from a stream, chunk by chunk, pulling only when asked. */
export class ExactReader {
  readonly #chunks: AsyncIterator<Buffer>;
  #rest: Buffer | undefined;
  #first: Promise<IteratorResult<Buffer>> | undefined;
  /** `listenNow`: start listening at once (the stream's iterator attaches its listeners on its first `next()`). */
  constructor(stream: Readable, listenNow = false) {
    this.#chunks = stream[Symbol.asyncIterator]();
    if (listenNow) this.#first = this.#pull();
  }

  #pull(): Promise<IteratorResult<Buffer>> {
    return this.#chunks.next().catch(() => ({ done: true, value: undefined }));
  }

  /** Fills `target`; returns how many bytes it got (less only at the end of the stream). */
  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      let chunk = this.#rest;
      this.#rest = undefined;
      if (!chunk) {
        const next = await (this.#first ?? this.#pull());
        this.#first = undefined;
        if (next.done) return filled;
        chunk = next.value as Buffer;
      }
      const take = Math.min(chunk.length, target.length - filled);
      target.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take < chunk.length) this.#rest = chunk.subarray(take);
    }
    return filled;
  }
}

/**
 * The ffmpeg arguments that decode stream `index` of `path` (or the stream an ffmpeg stream specifier such as
 * `V:0` names) to rgb24 on stdout: every frame once
 * (`-fps_mode passthrough`), rotation applied (ffmpeg's default autorotate), chroma interpolated at full
 * resolution with accurate rounding; `threads` decoder threads when given (the frames are the same); the upload read
 * under {@link UPLOAD_INPUT_OPTIONS}. A stream whose size changes has every frame scaled to the first one's
 * (ffmpeg's default), as a recording of a resized window needs; with `maxInputPixels` the decoder refuses a frame
 * over {@link decoderPixelCap} of it (`-max_pixels`), so a stream that starts at 16×16 and grows to 4096×4096 does not
 * pass the limit the probe checked on its first size. `filter` (the colour conversion, {@link colorFilter}) runs
 * before the conversion to rgb24.
 * @example decodeArgs("in.mp4", 0) // [..., "-map", "0:0", ..., "-f", "rawvideo", "pipe:1"]
 */
export function decodeArgs(
  path: string,
  index: number | string,
  threads?: number,
  maxInputPixels?: number,
  filter?: string,
): string[] {
  return [
    ...[
      "-nostdin",
      "-hide_banner",
      "-loglevel",
      "error",
      ...(threads ? ["-threads", String(threads)] : []),
      ...(maxInputPixels ? ["-max_pixels", String(decoderPixelCap(maxInputPixels))] : []),
      ...UPLOAD_INPUT_OPTIONS,
      "-i",
      path,
    ],
    ...["-map", `0:${index}`, "-an", "-sn", "-dn", "-fps_mode", "passthrough"],
    ...(filter ? ["-vf", filter] : []),
    ...["-sws_flags", "bicubic+accurate_rnd+full_chroma_int", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
  ];
}

/**
 * Decodes the probed video's frames in order. Breaking out of the loop, an abort of `signal` (the iterator then
 * throws `signal.reason`) or a decoding error ({@link VideoProcessError}: a 400 quoting one clean line of ffmpeg's reason, its whole stderr on the error) kills ffmpeg; a
 * stream that yields fewer frames than its index lists throws a `truncated` {@link VideoInputError}.
 * @example for await (const frame of decodeVideo(probe, { signal })) encoder.write(await upscale(frame.rgb), frame.pts)
 */
export async function* decodeVideo(probe: VideoProbe, options: DecodeOptions = {}): AsyncGenerator<VideoFrame> {
  const { width, height, frames, timestamps, timeBase } = probe.video;
  const { signal } = options;
  const maxInputPixels = options.maxInputPixels ?? probe.maxInputPixels;
  const field = options.field ?? "video";
  const frameBytes = width * height * 3;
  const filter = colorFilter(probe.video.color);
  let { started } = options;
  // A decoder started before the probe decodes without a filter: an HDR or wide-gamut stream needs one that converts.
  if (started && started.path === probe.path && started.filter !== filter) {
    await started.kill();
    started = undefined;
  }
  if (started && started.path !== probe.path) {
    await started.kill();
    throw new Error(`the decoder started on ${started.path} cannot decode ${probe.path}`);
  }
  if (signal?.aborted) {
    await started?.kill();
    signal.throwIfAborted();
  }
  const child =
    started?.child ??
    spawnFfmpeg(
      options.ffmpeg ?? ffmpegPaths().ffmpeg,
      decodeArgs(probe.path, probe.video.index, options.threads, maxInputPixels, filter),
      {
        stdout: "pipe",
        ...(signal ? { signal } : {}),
      },
    );
  if (!started) options.trace?.("decoder-spawned");
  const reader = started?.reader ?? new ExactReader(child.process.stdout as Readable);
  let index = 0;
  try {
    for (;;) {
      const rgb = new Uint8Array(frameBytes);
      const got = await reader.readInto(rgb);
      signal?.throwIfAborted();
      if (got === 0) break;
      if (got < frameBytes || index >= frames) {
        if (got < frameBytes) {
          // The stream ended inside a frame: ffmpeg's exit status explains that better than the byte count does.
          // (Past the listed frames ffmpeg may still be writing, blocked on the full pipe: it is not waited for.)
          await child.exited;
          signal?.throwIfAborted();
          if (child.process.exitCode !== 0) break;
        }
        // ffmpeg scales every frame to the first one's (see decodeArgs): a first frame of another size than the
        // headers give ends up here.
        const sizeChange = `its frames must all be ${width}×${height} px, the size its headers give: a size that changes within the stream, or damaged data`;
        throw new VideoProcessError(
          "decode",
          got < frameBytes
            ? `ffmpeg's output of ${field} ended inside frame ${index + 1} (${got} of ${frameBytes} bytes); ${sizeChange}`
            : `${field} decoded to more picture data than the ${frames} frames its packets list; ${sizeChange}`,
          { status: 400 },
        );
      }
      const pts = timestamps[index]!;
      if (index === 0) options.trace?.("decoder-first-frame");
      if (index === frames - 1) options.trace?.("decoder-last-frame");
      yield { index, pts, seconds: (pts * timeBase.num) / timeBase.den, width, height, rgb };
      index++;
    }
    const exit = await child.exited;
    signal?.throwIfAborted();
    const over = /Picture size (\d+)x(\d+) exceeds specified max pixel count/.exec(child.stderrTail());
    if (over && maxInputPixels && (exit.code !== 0 || index < frames)) {
      throw new VideoInputError(
        "too_large",
        `${field} changes size within the stream to frames over ${maxInputPixels} px (the decoder met ${over[1]}×${over[2]}); every frame must be at most ${maxInputPixels} px, not only the ${width}×${height} its headers give`,
        { stderr: child.stderrTail() },
      );
    }
    if (exit.code !== 0) {
      const ours = exit.code === null || child.spawnError !== undefined;
      throw new VideoProcessError(
        "decode",
        child.spawnError
          ? `cannot run ffmpeg to decode ${field} (${child.spawnError.message})`
          : ours
            ? `ffmpeg stopped decoding ${field} at frame ${index + 1} of ${frames} (killed by ${exit.signal})`
            : `${field} is damaged: ffmpeg failed after decoding ${index} of its ${frames} frames; send the complete, undamaged file (${ACCEPTED_VIDEOS})`,
        {
          exitCode: exit.code,
          stderr: child.stderrTail(),
          status: ours ? 500 : 400,
          clean: { paths: [probe.path], field },
        },
      );
    }
    if (index < frames) {
      throw new VideoInputError(
        "truncated",
        `${field} decoded to ${index} frames but its packets list ${frames}: the data is damaged; send the complete file`,
      );
    }
  } finally {
    await child.kill();
  }
}
