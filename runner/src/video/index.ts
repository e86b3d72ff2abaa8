/**
 * @module Video I/O shared by the runner's video pipelines (video upscaling, frame interpolation): find and check
 * ffmpeg, probe an upload (with typed errors and limits checked before decoding), decode it to RGB frames as a
 * stream, encode RGB frames to an H.264 mp4 with the source's timestamps and audio. Every ffmpeg child is killed on
 * error, abort and early exit.
 *
 * @example
 * const probe = await probeVideo(upload, { limits: DEFAULT_VIDEO_LIMITS, scale: 2 });
 * const encoder = createVideoEncoder({ ...encodeOptionsFor(probe, 2), output, signal });
 * for await (const frame of decodeVideo(probe, { signal })) await encoder.write(await process(frame), frame.pts);
 * const result = await encoder.finish();
 */
export { ACCEPTED_CONTAINERS, ACCEPTED_VIDEOS } from "./container.js";
export {
  type DecodeOptions,
  decodeArgs,
  decodeVideo,
  type StartedDecoder,
  startDecoder,
  type VideoFrame,
} from "./decode.js";
export {
  type AudioOutcome,
  createVideoEncoder,
  DEFAULT_CRF,
  DEFAULT_PRESET,
  type EncodeOptions,
  type EncodeResult,
  encodeArgs,
  encodeOptionsFor,
  type VideoEncoder,
} from "./encode.js";
export {
  FfmpegUnavailableError,
  VideoInputError,
  type VideoInputErrorCode,
  VideoProcessError,
} from "./errors.js";
export { checkFfmpeg, type FfmpegInfo, type FfmpegPaths, ffmpegPaths } from "./ffmpeg-binaries.js";
export { killAllFfmpeg, runningFfmpegCount } from "./ffmpeg-process.js";
export {
  checkVideoLimits,
  DEFAULT_VIDEO_LIMITS,
  describeVideoLimits,
  H264_MAX_SIDE,
  type VideoFacts,
  type VideoLimits,
  videoLimitsInfo,
} from "./limits.js";
export { mapInOrder } from "./map-in-order.js";
export { type AudioStreamInfo, type ProbeOptions, probeVideo, type VideoProbe, type VideoStreamInfo } from "./probe.js";
export { formatRational, parseRational, type Rational, toNumber } from "./rational.js";
