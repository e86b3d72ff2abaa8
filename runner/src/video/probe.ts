/**
 * @module What a video file is, read with ffprobe before anything is decoded: container, codec, frame size (as
 * displayed, after rotation), frame rate and time base as exact rationals, the exact frame count and every frame's
 * timestamp, duration, rotation and whether it has audio. Every way an upload can fail to be a usable video ends
 * here as a {@link VideoInputError} saying what was wrong and what is allowed, and the {@link VideoLimits} are
 * checked in the order that costs least: bytes from `stat`, then size and declared length from the header, then
 * the counted frames.
 */
import { stat } from "node:fs/promises";
import { aviEmptyVideoChunks, aviIndexedChunks, aviSizesUnknown } from "./avi-index.js";
import {
  ACCEPTED_CONTAINERS,
  ACCEPTED_VIDEOS,
  imageKind,
  isoCut,
  MP4_DEMUXER,
  type ProbeStream,
  readHeaders,
  readProbe,
} from "./container.js";
import { containerCut } from "./cut-short.js";
import { VideoInputError } from "./errors.js";
import { ffmpegPaths } from "./ffmpeg-binaries.js";
import { frameIndexOf, packetArgs } from "./frame-index.js";
import { checkHeaderAgreement } from "./header-agreement.js";
import { checkVideoLimits, type VideoLimits } from "./limits.js";
import { parseRational, type Rational, toNumber } from "./rational.js";
import type { VideoColor } from "./tone-map.js";

/** The video stream the pipelines work on (the first one that is not cover art). */
export interface VideoStreamInfo {
  /** Index of the stream in the container. */
  index: number;
  /** ffmpeg's codec name, e.g. `h264`, `vp9`, `prores`. */
  codec: string;
  /** Size of the decoded frames: the displayed size, i.e. the coded size turned by `rotation`. */
  width: number;
  height: number;
  /** Size as stored in the stream, before rotation. */
  codedWidth: number;
  codedHeight: number;
  /** Display rotation in degrees from the container's display matrix (0, 90, 180 or 270); decoding applies it. */
  rotation: number;
  pixelFormat: string;
  /** The colour description its headers give (transfer, primaries, matrix, range); an HDR one is tone-mapped when decoded. */
  color: VideoColor;
  /** The base frame rate (ffprobe's `r_frame_rate`): the rate on whose grid every timestamp lies. */
  frameRate: Rational | undefined;
  /** Frames per second on average (ffprobe's `avg_frame_rate`); differs from `frameRate` for variable-rate video. */
  averageFrameRate: Rational | undefined;
  /** The unit of `timestamps`, e.g. 1/15360. */
  timeBase: Rational;
  /** Frames in the stream, counted from its packets (not the container's claim). */
  frames: number;
  /** Presentation timestamps of the frames in `timeBase` units, ascending. */
  timestamps: Float64Array;
  /** True when frame durations differ (beyond one tick of rounding). */
  variableFrameRate: boolean;
  /** How long the last frame shows, in `timeBase` units: its packet's own duration, else the typical interval. */
  lastFrameDuration: number;
  /** From the first frame's start to the last frame's end, in seconds. */
  durationSeconds: number;
  /** Pixel aspect ratio when it is not square. */
  sampleAspectRatio: Rational | undefined;
}

/** The first audio stream, which the video pipelines carry over. */
export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
}

/** A probed video. */
export interface VideoProbe {
  path: string;
  bytes: number;
  /** ffmpeg's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  container: string;
  /** The earliest start of any stream, in seconds (non-zero e.g. for MPEG-TS). */
  startSeconds: number;
  video: VideoStreamInfo;
  audio: AudioStreamInfo | undefined;
  /** The input-frame pixel limit it was checked against, for the decoder to hold every frame to (see `decodeVideo`). */
  maxInputPixels?: number;
}

/** Options of {@link probeVideo}. */
export interface ProbeOptions {
  /** Checked as early as each fact is known; without them nothing is refused for size. */
  limits?: VideoLimits;
  /** The pipeline's scale factor, for the output-pixel limit. */
  scale?: number;
  /** The upload's name in messages. */
  field?: string;
  /**
   * Added to the refusal of a PNG, JPEG or WebP image (what the image fields of the runner take), e.g. "to upscale
   * one image, use /upscale"; other images (a GIF, a BMP) are refused without it, since those fields refuse them too.
   */
  imageHint?: string;
  ffprobe?: string;
  signal?: AbortSignal;
  /** `false` when the caller drops the audio: `audio` is then left undefined and no second ffprobe run reads it. */
  audio?: boolean;
}

/** Image kinds ({@link imageKind}) the runner's image fields take: a PNG (APNG too), JPEG or WebP. */
const IMAGE_FIELD_KINDS: ReadonlySet<string> = new Set(["PNG", "APNG", "JPEG", "WEBP"]);

/** The display rotation of a stream, normalised to 0/90/180/270. */
function rotationOf(s: ProbeStream): number {
  const fromMatrix = s.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  const degrees = fromMatrix ?? Number(s.tags?.rotate ?? 0);
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/**
 * Probes `path`: headers and frame index, in one ffprobe run. Throws {@link VideoInputError} for every unusable upload (not a
 * video, an image, no video stream, truncated, zero frames, over the limits).
 * @example const probe = await probeVideo("/tmp/upload", { limits: DEFAULT_VIDEO_LIMITS, scale: 4 })
 */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const field = options.field ?? "video";
  const ffprobe = options.ffprobe ?? ffmpegPaths().ffprobe;
  const { limits, scale = 1, signal } = options;
  const bytes = (await stat(path)).size;
  if (bytes === 0) throw new VideoInputError("not_a_video", `${field} is empty (0 bytes); send ${ACCEPTED_VIDEOS}`);
  if (limits) checkVideoLimits({ bytes }, limits, scale, field);

  // One ffprobe run reads the container, the video stream (`V`: the first video stream that is not cover art) and
  // its packets; a second one only where the first cannot tell all (which streams a file without video holds,
  // the audio stream of a file with more than one stream).
  const run = await readProbe(
    ffprobe,
    path,
    field,
    ["-show_format", "-show_streams", "-select_streams", "V:0", ...packetArgs(limits?.maxFrames)],
    signal,
  );
  const container = run.output.format?.format_name ?? "";
  const image = imageKind(container);
  if (image) {
    // An animated GIF is a video to its sender, and no image field takes GIF: say how to make it one, not to send
    // it where it is refused again.
    const hint =
      image === "GIF"
        ? "an animated GIF converts with: ffmpeg -i in.gif -pix_fmt yuv420p out.mp4"
        : IMAGE_FIELD_KINDS.has(image)
          ? options.imageHint
          : undefined;
    throw new VideoInputError(
      "image_not_video",
      `${field} is a ${image} image, not a video; send ${ACCEPTED_VIDEOS}${hint ? ` (${hint})` : ""}`,
    );
  }
  if (!ACCEPTED_CONTAINERS.has(container)) {
    // Named as ffmpeg's demuxer, which is what ffmpeg reads the bytes as: random bytes can read as mp3.
    throw new VideoInputError(
      "unsupported_container",
      `${field} is not in a container this runner takes (ffmpeg reads it as ${container}); send ${ACCEPTED_VIDEOS}`,
    );
  }
  // An MP4 whose index was cut inside ffprobe reads without complaint, as a file of no usable video stream: that
  // is a file cut short, not one without video (the refusals below would name what the cut left).
  const cutShort = async () => {
    const cut = container === MP4_DEMUXER ? await isoCut(path, bytes) : undefined;
    if (cut) {
      throw new VideoInputError("truncated", `${field} is an MP4/MOV file cut short (${cut}); send the complete file`, {
        stderr: run.stderr,
      });
    }
  };
  const v = run.output.streams?.[0];
  if (!v) {
    await cutShort();
    const streams = (await readHeaders(ffprobe, path, field, signal)).streams ?? [];
    const kinds = streams.map((s) => (s.disposition?.attached_pic ? "cover image" : (s.codec_type ?? "unknown")));
    throw new VideoInputError(
      "no_video_stream",
      `${field} has no video stream (it holds ${kinds.length ? kinds.join(", ") : "no streams"}); send ${ACCEPTED_VIDEOS}`,
    );
  }

  const rotation = rotationOf(v);
  const turned = rotation % 180 === 90;
  const codedWidth = v.width ?? 0;
  const codedHeight = v.height ?? 0;
  const width = turned ? codedHeight : codedWidth;
  const height = turned ? codedWidth : codedHeight;
  const timeBase = parseRational(v.time_base) ?? { num: 1, den: 1000 };
  const frameRate = positive(parseRational(v.r_frame_rate));
  // An AVI written to a pipe declares 2^30 frames and a guessed duration (`avi-index.ts`): its idx1 counts them if
  // it has one, else the packets counted below do (up to one past the limit), and their timestamps give the duration.
  const unfilled = container === "avi" && (await aviSizesUnknown(path));
  const declaredFrames = unfilled
    ? ((await aviIndexedChunks(path, v.index))?.chunks ?? Number.NaN)
    : Number(v.nb_frames ?? Number.NaN);
  // The stream's own duration, not the container's, which may be a longer audio track's. Matroska keeps it only in
  // a DURATION tag: ffprobe's stream `duration` there is the container's (1 s of video before 600 s of sound was
  // refused as "video lasts 600.032 s"), so the tag wins.
  const declaredDuration = unfilled ? Number.NaN : Number(tagSeconds(v.tags?.DURATION) ?? v.duration ?? Number.NaN);
  if (limits) {
    checkVideoLimits(
      {
        ...(width > 0 && height > 0 ? { width, height } : {}),
        ...(declaredFrames > 0 ? { frames: declaredFrames } : {}),
        ...(declaredDuration > 0 ? { durationSeconds: declaredDuration } : {}),
      },
      limits,
      scale,
      field,
    );
  }

  const index = frameIndexOf(run.output.packets ?? [], run, {
    timeBase,
    frameRate,
    field,
    ...(limits ? { limit: limits.maxFrames } : {}),
  });
  const { timestamps } = index;
  if (index.capped && limits)
    checkVideoLimits({ frames: limits.maxFrames + 1, framesAtLeast: true }, limits, scale, field);
  // An AVI index counts its empty (dropped-frame) chunks, which ffmpeg skips: they are there, as repeats.
  const listed = timestamps.length + index.discarded;
  const dropped = container === "avi" && declaredFrames > listed ? await aviEmptyVideoChunks(path, v.index) : 0;
  const cut =
    index.damage ??
    (declaredFrames > listed + dropped
      ? `${listed + dropped} of the ${declaredFrames} frames its index lists are there`
      : undefined) ??
    // Matroska, FLV and Ogg keep no frame index, and a cut between two packets leaves ffprobe nothing to complain
    // about: where the container says it ends is the check.
    (await containerCut(path, bytes));
  if (!cut && (timestamps.length === 0 || width === 0 || height === 0)) await cutShort();
  if (cut) {
    throw new VideoInputError("truncated", `${field} is damaged or cut short (${cut}); send the complete file`, {
      stderr: run.stderr,
    });
  }
  if (timestamps.length === 0) {
    throw new VideoInputError(
      "zero_frames",
      `${field} has a ${v.codec_name ?? "unknown"} video stream with no frames; send a video with at least one frame`,
    );
  }
  if (width === 0 || height === 0) {
    throw new VideoInputError(
      "not_a_video",
      `${field}'s ${v.codec_name ?? "unknown"} video stream has no readable frame size; send ${ACCEPTED_VIDEOS}`,
    );
  }

  /** The first audio stream (ffprobe's `a:0`), read only when the file has streams besides the video. */
  async function audioStream(): Promise<ProbeStream | undefined> {
    const headers = await readProbe(ffprobe, path, field, ["-show_streams", "-select_streams", "a:0"], signal);
    return headers.output.streams?.[0];
  }

  const deltas = timestamps.slice(1).map((t, i) => t - timestamps[i]!);
  const sorted = Float64Array.from(deltas).sort();
  const typical = sorted.length
    ? sorted[sorted.length >> 1]!
    : frameRate
      ? timeBase.den / (timeBase.num * toNumber(frameRate))
      : 1;
  const spread = sorted.length ? sorted[sorted.length - 1]! - sorted[0]! : 0;
  const last = index.lastDuration ?? typical;
  const durationSeconds = ((timestamps[timestamps.length - 1]! - timestamps[0]! + last) * timeBase.num) / timeBase.den;
  const sampleAspectRatio = squareOr(parseRational(v.sample_aspect_ratio));
  const stream = { width: codedWidth, height: codedHeight, sampleAspectRatio, packets: listed, durationSeconds };
  await checkHeaderAgreement(path, stream, container, field);
  if (limits) checkVideoLimits({ durationSeconds }, limits, scale, field);

  const a = options.audio === false || (run.output.format?.nb_streams ?? 0) < 2 ? undefined : await audioStream();
  const starts = Number(run.output.format?.start_time ?? 0);
  return {
    path,
    bytes,
    container,
    startSeconds: Number.isFinite(starts) ? starts : 0,
    video: {
      index: v.index,
      codec: v.codec_name ?? "unknown",
      width,
      height,
      codedWidth,
      codedHeight,
      rotation,
      pixelFormat: v.pix_fmt ?? "unknown",
      color: colorOf(v),
      frameRate,
      averageFrameRate: positive(parseRational(v.avg_frame_rate)),
      timeBase,
      frames: timestamps.length,
      timestamps,
      variableFrameRate: spread > Math.max(1, typical * 0.01),
      lastFrameDuration: last,
      durationSeconds,
      sampleAspectRatio,
    },
    // An audio stream whose sample rate or channels ffprobe could not find (a short MPEG-TS whose audio packets its
    // probe did not reach, or that has none) cannot go into an mp4: the video goes without it, not as a failure.
    audio:
      a && Number(a.sample_rate ?? 0) > 0 && (a.channels ?? 0) > 0
        ? { index: a.index, codec: a.codec_name ?? "unknown", channels: a.channels!, sampleRate: Number(a.sample_rate) }
        : undefined,
    ...(limits ? { maxInputPixels: limits.maxInputPixels } : {}),
  };
}

/** The stream's colour tags, those ffprobe leaves out or calls `unknown` absent. */
function colorOf(s: ProbeStream): VideoColor {
  const known = (x: string | undefined) => (x && x !== "unknown" ? x : undefined);
  const [transfer, primaries, matrix, range] = [s.color_transfer, s.color_primaries, s.color_space, s.color_range].map(
    known,
  );
  return {
    ...(transfer ? { transfer } : {}),
    ...(primaries ? { primaries } : {}),
    ...(matrix ? { matrix } : {}),
    ...(range ? { range } : {}),
  };
}

/** Seconds of a Matroska `DURATION` tag such as `00:01:02.500000000`. */
function tagSeconds(tag: string | undefined): number | undefined {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(tag ?? "");
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

function positive(r: Rational | undefined): Rational | undefined {
  return r && r.num > 0 ? r : undefined;
}

function squareOr(r: Rational | undefined): Rational | undefined {
  return r && r.num > 0 && r.num !== r.den ? r : undefined;
}
