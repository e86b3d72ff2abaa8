/**
 * @module Encoding RGB frames to an H.264 mp4 with ffmpeg: `yuv420p` (what every player decodes), BT.709 matrix
 * and tags, `+faststart` (the index first, so the file plays while it downloads), and every frame at the timestamp
 * it is given — frames reach ffmpeg as raw RGB in a Matroska stream (see `matroska-raw.ts`), the encoder keeps the
 * source's time base (`-enc_time_base`, `-video_track_timescale`) and passes frames through without dropping or
 * duplicating any (`-fps_mode passthrough`), so a variable-frame-rate source keeps every timestamp.
 *
 * The source's first audio stream can be carried over: copied packet for packet when MP4 registers its codec (AAC,
 * MP3, AC-3, E-AC-3, Opus, FLAC, ALAC), else (Vorbis, PCM, …) encoded to AAC, as `audio` in the result says.
 * Writes wait once two frames are queued for the pipe, so a slow encoder slows the producer instead of filling
 * memory, while a short stall of the encoder does not hold the producer up.
 */
import { rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { UPLOAD_INPUT_OPTIONS } from "./container.js";
import { VideoProcessError } from "./errors.js";
import { ffmpegPaths } from "./ffmpeg-binaries.js";
import { spawnFfmpeg } from "./ffmpeg-process.js";
import { lastFrameRate } from "./frame-timing.js";
import { rawRgbMatroskaFrameHeader, rawRgbMatroskaHeader } from "./matroska-raw.js";
import type { AudioStreamInfo, VideoProbe } from "./probe.js";
import { formatRational, ptsToNanoseconds, type Rational } from "./rational.js";

/** Audio codecs MP4 registers, copied untouched; others are encoded to AAC. */
const MP4_AUDIO = new Set(["aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"]);

/** x264's rate factor: an upscaler's output is meant to keep its detail (see `EncodeOptions.crf`). */
export const DEFAULT_CRF = 12;

/** x264's preset: fast, so the encoder takes little of the CPU the model needs (see `EncodeOptions.preset`). */
export const DEFAULT_PRESET = "veryfast";

/** Frames that may wait in Node's buffer for ffmpeg's pipe before `write()` waits (bounds memory; absorbs stalls). */
const QUEUED_FRAMES = 2;

/** How the source's audio reached the output. */
export type AudioOutcome = "copied" | "transcoded" | "none";

/** Options of {@link createVideoEncoder}. */
export interface EncodeOptions {
  /** The mp4 to write (overwritten; removed again if encoding fails or is aborted). */
  output: string;
  /** Size of the frames given to `write`. Odd sides are padded to even (x264's 4:2:0 needs even sides) by repeating the last row or column. */
  width: number;
  height: number;
  /** The unit of the timestamps given to `write`: the source's time base. */
  timeBase: Rational;
  /** Seconds subtracted from every timestamp (video and audio alike) so the output starts at 0. */
  originSeconds?: number;
  /**
   * Carry over this audio stream of the file at `path`, up to `endSeconds` (source time): the video's end, so an audio
   * track longer than the video (an hour of sound behind one second of picture) is cut where the picture ends instead
   * of being copied or encoded whole past the video limits.
   */
  audio?: { path: string; stream: AudioStreamInfo; endSeconds?: number };
  sampleAspectRatio?: Rational;
  /**
   * The nominal frame rate (the source's base rate). Timestamps are never changed by it; ffmpeg 5 takes the last
   * frame's duration from it (without, a one-frame video would get a duration of 0 and be hidden by players), so
   * {@link encodeOptionsFor} gives the rate of the source's last frame where that differs from its base rate.
   */
  frameRate?: Rational;
  /**
   * x264 constant rate factor (lower: closer to the frames given, bigger file); default {@link DEFAULT_CRF}. On the
   * panned-photo quality test, luma PSNR against the frames given drops by 0.02 dB at 8, 0.035 dB at 12, 0.07 dB
   * at 16 (the file at 16 is two thirds the size of 12's).
   */
  crf?: number;
  /**
   * x264 preset; default {@link DEFAULT_PRESET}, which leaves the CPU to the model (`medium` reaches the same
   * PSNR in ~15 % fewer bytes for several times the encoder's CPU).
   */
  preset?: string;
  /**
   * x264's threads (`-threads`); 0 or absent: x264's own choice (1.5 per core, plus lookahead threads). Fewer leave
   * more of the CPU to a model running beside the encoder.
   */
  threads?: number;
  signal?: AbortSignal;
  ffmpeg?: string;
  /**
   * Called at the encoder's milestones, for timelines: `encoder-spawned`, `encoder-took-first-frame` (the first
   * frame has gone into the pipe; for a frame over the pipe's 64 KiB, only once ffmpeg reads it, i.e. is up),
   * `encoder-input-ended`, `encoder-exited`.
   */
  trace?: (event: string) => void;
}

/** What {@link VideoEncoder.finish} reports. */
export interface EncodeResult {
  output: string;
  frames: number;
  /** The encoded size (even sides). */
  width: number;
  height: number;
  audio: AudioOutcome;
}

/** An mp4 being written, one frame at a time. */
export interface VideoEncoder {
  /**
   * Queues one frame at `pts` (time-base units, increasing); resolves at once while fewer than two frames wait for
   * ffmpeg, else when the oldest has gone into the pipe. Do not modify `rgb` afterwards.
   */
  write(rgb: Uint8Array, pts: number): Promise<void>;
  /** Ends the stream and waits for the finished file. */
  finish(): Promise<EncodeResult>;
  /** Kills ffmpeg and removes the partial file. */
  abort(): Promise<void>;
}

/**
 * Encoder settings that reproduce `probe`'s timing (time base, start, pixel aspect) and carry its audio, for frames
 * `scale` times the probed size.
 * @example const encoder = createVideoEncoder({ ...encodeOptionsFor(probe, 4), output: "/tmp/out.mp4" })
 */
export function encodeOptionsFor(probe: VideoProbe, scale = 1, withAudio = true): Omit<EncodeOptions, "output"> {
  const v = probe.video;
  const firstSeconds = (v.timestamps[0]! * v.timeBase.num) / v.timeBase.den;
  // Keep the source's timeline, moved only where an mp4 needs it: a clock that starts late (MPEG-TS) starts at 0,
  // and no frame may sit before 0 — nor before the container's start, which is a stream's first packet: in two
  // MPEG-TS joined end to end, frames of the second can come before the first's first one (see frame-index.ts).
  const originSeconds = Math.min(Math.max(probe.startSeconds, 0), firstSeconds);
  // ffmpeg shows the last frame for one frame at this rate: its own duration's (see frame-timing.ts).
  const frameRate = lastFrameRate(v);
  return {
    width: v.width * scale,
    height: v.height * scale,
    timeBase: v.timeBase,
    originSeconds,
    ...(withAudio && probe.audio
      ? { audio: { path: probe.path, stream: probe.audio, endSeconds: firstSeconds + v.durationSeconds } }
      : {}),
    ...(v.sampleAspectRatio ? { sampleAspectRatio: v.sampleAspectRatio } : {}),
    ...(frameRate ? { frameRate } : {}),
  };
}

/**
 * The ffmpeg arguments of an encoder with these options (frames on stdin as raw-RGB Matroska).
 * @example encodeArgs({ output: "o.mp4", width: 64, height: 64, timeBase: { num: 1, den: 15360 } }).includes("+faststart") // true
 */
export function encodeArgs(o: EncodeOptions): { args: string[]; audio: AudioOutcome } {
  const evenW = o.width + (o.width % 2);
  const evenH = o.height + (o.height % 2);
  const vf: string[] = [];
  if (evenW !== o.width || evenH !== o.height) {
    vf.push(`pad=${evenW}:${evenH}`, `fillborders=right=${evenW - o.width}:bottom=${evenH - o.height}:mode=smear`);
  }
  vf.push("scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int", "format=yuv420p");
  if (o.sampleAspectRatio) vf.push(`setsar=${formatRational(o.sampleAspectRatio)}`);
  const origin = o.originSeconds ?? 0;
  const args = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-copyts", "-f", "matroska", "-i", "pipe:0"];
  let audio: AudioOutcome = "none";
  if (o.audio) {
    if (origin !== 0) args.push("-itsoffset", String(-origin));
    args.push(...UPLOAD_INPUT_OPTIONS, "-i", o.audio.path);
  }
  args.push("-map", "0:0");
  if (o.audio) {
    audio = MP4_AUDIO.has(o.audio.stream.codec) ? "copied" : "transcoded";
    args.push("-map", `1:${o.audio.stream.index}`);
    args.push(...(audio === "copied" ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "192k"]));
    // ffmpeg 5 still calls FLAC in MP4 experimental, though MP4 registers it (and browsers play it).
    if (o.audio.stream.codec === "flac") args.push("-strict", "experimental");
  }
  args.push("-vf", vf.join(","), "-fps_mode", "passthrough", "-r", formatRational(o.frameRate ?? { num: 25, den: 1 }));
  args.push("-enc_time_base", formatRational(o.timeBase));
  args.push("-c:v", "libx264", "-preset", o.preset ?? DEFAULT_PRESET, "-crf", String(o.crf ?? DEFAULT_CRF));
  if (o.threads) args.push("-threads", String(o.threads));
  args.push("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv");
  if (o.timeBase.num === 1) args.push("-video_track_timescale", String(o.timeBase.den));
  // The audio ends where the video does, at `end` in output time (the source's minus `origin`): a copied stream by
  // the output's `-t` (ffmpeg stops copying at the first packet from then on), an encoded one by `atrim`, whose end
  // is a timestamp too. Not otherwise: as an option of the audio input, ffmpeg 5.1 with `-copyts` measures `-t` from
  // the input's start when copying and from the first sample when encoding (they differ for an MPEG-TS whose clock
  // starts late), and an output `-t` on an encoded Vorbis stream fed beside a piped video cut it after 26 ms. The
  // video is not cut by the output's `-t`: its last frame starts a frame's duration before `end`.
  const end = o.audio?.endSeconds === undefined ? undefined : String(Math.max(o.audio.endSeconds - origin, 0.001));
  if (end !== undefined && audio === "copied") args.push("-t", end);
  if (end !== undefined && audio === "transcoded") args.push("-af", `atrim=end=${end}`);
  args.push("-movflags", "+faststart", "-f", "mp4", o.output);
  return { args, audio };
}

/**
 * Starts ffmpeg encoding to `options.output`. Each frame goes to ffmpeg's stdin as it is written, with
 * backpressure: at most two frames wait in Node's buffer (counted by each write's flush callback, where `drain`
 * would wait for the whole buffer to empty); `finish()` resolves when the mp4 is complete. Any failure (ffmpeg's exit status with its stderr), an
 * abort of `options.signal` or `abort()` kills ffmpeg and removes the partial file.
 * @example
 * const enc = createVideoEncoder({ ...encodeOptionsFor(probe, 4), output });
 * for await (const f of decodeVideo(probe)) await enc.write(await upscale(f), f.pts);
 * const { frames, audio } = await enc.finish();
 */
export function createVideoEncoder(options: EncodeOptions): VideoEncoder {
  const { args, audio } = encodeArgs(options);
  const { signal } = options;
  const child = spawnFfmpeg(options.ffmpeg ?? ffmpegPaths().ffmpeg, args, {
    stdin: "pipe",
    ...(signal ? { signal } : {}),
  });
  const { trace } = options;
  trace?.("encoder-spawned");
  const stdin = child.process.stdin as Writable;
  const frameBytes = options.width * options.height * 3;
  const tb = options.timeBase;
  const originTicks = ((options.originSeconds ?? 0) * tb.den) / tb.num;
  let frames = 0;
  let lastNs = -1n;
  let ended = false;
  const removeOutput = () => rm(options.output, { force: true });
  stdin.write(rawRgbMatroskaHeader(options.width, options.height));

  /** The error to report once ffmpeg has exited (abort, spawn failure or its exit status). */
  const failure = async (what: string): Promise<Error> => {
    const exit = await child.exited;
    await removeOutput();
    if (signal?.aborted) return signal.reason as Error;
    return new VideoProcessError(
      "encode",
      child.spawnError
        ? `cannot run ffmpeg to encode the video (${child.spawnError.message})`
        : `ffmpeg failed to encode the video ${what} (${exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`})`,
      { exitCode: exit.code, stderr: child.stderrTail() },
    );
  };

  // Up to QUEUED_FRAMES frames may wait in Node's buffer for the pipe, so a producer is not held up by every
  // stall of the encoder; past that, write() waits for the oldest to be flushed. ffmpeg exiting first rejects it.
  let unflushed = 0;
  let waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let taken = 0;
  const flushed = () => {
    if (taken++ === 0) trace?.("encoder-took-first-frame");
    unflushed--;
    if (waiting && unflushed <= QUEUED_FRAMES) {
      const w = waiting;
      waiting = undefined;
      w.resolve();
    }
  };
  void child.exited.then(() => {
    const w = waiting;
    waiting = undefined;
    if (w) failure(`after frame ${frames}`).then(w.reject, w.reject);
  });
  const room = async () => {
    if (unflushed <= QUEUED_FRAMES) return;
    if (!child.running) throw await failure(`after frame ${frames}`);
    await new Promise<void>((resolve, reject) => {
      waiting = { resolve, reject };
    });
  };

  return {
    async write(rgb, pts) {
      if (ended) throw new Error("write() after finish() or abort()");
      if (rgb.length !== frameBytes) {
        throw new RangeError(`a ${options.width}×${options.height} frame is ${frameBytes} bytes, got ${rgb.length}`);
      }
      if (!child.running) throw await failure(`at frame ${frames + 1}`);
      const shifted = Math.max(0, pts - originTicks);
      const ns = Number.isInteger(shifted)
        ? ptsToNanoseconds(shifted, tb)
        : BigInt(Math.round((shifted * tb.num * 1e9) / tb.den));
      if (ns <= lastNs) throw new RangeError(`frame timestamps must increase: ${pts} after ${frames} frames`);
      lastNs = ns;
      frames++;
      // Corked, the header and the frame leave in one writev: one wake-up of ffmpeg per frame, not two.
      stdin.cork();
      stdin.write(rawRgbMatroskaFrameHeader(ns, frameBytes));
      unflushed++;
      stdin.write(rgb, flushed);
      stdin.uncork();
      await room();
    },
    async finish() {
      if (ended) throw new Error("finish() called twice or after abort()");
      ended = true;
      stdin.end();
      trace?.("encoder-input-ended");
      const exit = await child.exited;
      trace?.("encoder-exited");
      if (exit.code !== 0) throw await failure(`after ${frames} frames`);
      return {
        output: options.output,
        frames,
        width: options.width + (options.width % 2),
        height: options.height + (options.height % 2),
        audio,
      };
    },
    async abort() {
      ended = true;
      await child.kill();
      await removeOutput();
    },
  };
}
