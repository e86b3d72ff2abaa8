/**
 * @module The errors of the video I/O: a bad upload ({@link VideoInputError}, a 4xx with a message that says what
 * was wrong and what is allowed), ffmpeg failing on a file the probe accepted ({@link VideoProcessError}), and ffmpeg
 * missing at start-up ({@link FfmpegUnavailableError}). A client's message quotes at most one cleaned line of
 * ffmpeg's stderr (`ffmpeg-reason.ts`): its tail holds local paths, pointers and build-specific noise, so it is kept
 * whole in the error's `stderr`, which the runner logs with the job's request id and never sends.
 */
import { HttpError } from "@ai-video-subnet/server-kit";
import { type CleanOptions, ffmpegReason } from "./ffmpeg-reason.js";

/** Why an upload is not a video this runner can work on. */
export type VideoInputErrorCode =
  /** Empty, or bytes ffprobe does not recognise as any media container. */
  | "not_a_video"
  /** A still image (PNG, JPEG, WebP, GIF, …): ffmpeg decodes those too, so they are refused by name. */
  | "image_not_video"
  /** A media container other than the accepted ones (e.g. an MP3 or WAV file). */
  | "unsupported_container"
  /** The container lost its end: an mp4 without its index, packets cut off, fewer frames than it declares. */
  | "truncated"
  /** A container with no video stream (audio only, or only cover art). */
  | "no_video_stream"
  /** A video stream that holds no frame. */
  | "zero_frames"
  /** Over one of the {@link VideoLimits}: bytes, pixels per frame (in or out), frames or duration. */
  | "too_large"
  /** An MP4/MOV index that gives smaller or fewer frames than the stream holds (work is counted from the index). */
  | "header_mismatch";

/** The HTTP status each code is answered with (Livepeer's statuses: 400 bad request, 413 too large, 415 media). */
const STATUS: Record<VideoInputErrorCode, 400 | 413 | 415> = {
  not_a_video: 415,
  image_not_video: 415,
  unsupported_container: 415,
  truncated: 400,
  no_video_stream: 400,
  zero_frames: 400,
  too_large: 413,
  header_mismatch: 400,
};

/**
 * A video upload the runner refuses. It is an `HttpError`, so a route that lets it through answers
 * `{"detail":{"msg"}}` with {@link VideoInputError.status}; `code` tells the cases apart for callers and tests.
 * @example throw new VideoInputError("zero_frames", "video has a video stream with no frames; send a video with at least one frame")
 */
export class VideoInputError extends HttpError {
  readonly code: VideoInputErrorCode;
  /** The tail of the stderr of the ffprobe/ffmpeg run that found the fault, for the log (empty when none ran). */
  readonly stderr: string;
  constructor(code: VideoInputErrorCode, message: string, options: { cause?: unknown; stderr?: string } = {}) {
    super(STATUS[code], message, { cause: options.cause });
    this.name = "VideoInputError";
    this.code = code;
    this.stderr = options.stderr?.trim() ?? "";
  }
}

/**
 * ffmpeg failed while decoding or encoding a video the probe had accepted. Decoding failures are the file's
 * (status 400: damaged data past what the probe reads): the message is `message` and, when stderr has one,
 * ffmpeg's reason in one clean line (`…; ffmpeg said: inflate returned error -3`, see {@link ffmpegReason}; `clean`
 * names the paths it may hold). Encoding failures and ffmpeg dying of a signal are the runner's (500): `message`
 * alone. `stderr` is the whole tail of ffmpeg's stderr, for the log.
 * @example throw new VideoProcessError("decode", "video is damaged: …; send …", { exitCode: 69, stderr, status: 400 })
 */
export class VideoProcessError extends HttpError {
  readonly stage: "probe" | "decode" | "encode";
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(
    stage: "probe" | "decode" | "encode",
    message: string,
    details: {
      exitCode?: number | null;
      stderr?: string;
      status?: 400 | 500;
      cause?: unknown;
      clean?: CleanOptions;
    } = {},
  ) {
    const stderr = details.stderr?.trim() ?? "";
    const status = details.status ?? 500;
    const reason = status < 500 ? ffmpegReason(stderr, details.clean) : undefined;
    super(status, reason ? `${message}; ffmpeg said: ${reason}` : message, { cause: details.cause });
    this.name = "VideoProcessError";
    this.stage = stage;
    this.exitCode = details.exitCode ?? null;
    this.stderr = stderr;
  }
}

/**
 * ffmpeg or ffprobe cannot be run (not installed, not executable, or built without libx264). Thrown by the start-up
 * check so a runner without them fails at once with how to fix it, not with a 500 on every request.
 * @example throw new FfmpegUnavailableError("ffmpeg was not found …")
 */
export class FfmpegUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FfmpegUnavailableError";
  }
}
