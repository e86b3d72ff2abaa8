/**
 * @module Where a video's base frame rate (ffprobe's `r_frame_rate`) and its frames' own times disagree. The rate is
 * ffprobe's guess, often from the codec's header: a clip slowed down by rewriting its container's timestamps
 * (`ffmpeg -itsscale 2 -c copy`) keeps its H.264 header's 8 fps while its frames come every 0.25 s; a slideshow's
 * frames come every 5 s while its last one shows for 1 s. Players follow the timestamps and each frame's duration, so
 * the pipelines do too: N frames do not always last N ÷ the rate, and the last frame lasts as long as its packet says.
 */
import type { VideoStreamInfo } from "./probe.js";
import { parseRational, type Rational, toNumber } from "./rational.js";

/** Two lengths of time agree when they differ by at most two ticks of the time base or 0.5 % of the longer. */
function agree(a: number, b: number, tick: number): boolean {
  return Math.abs(a - b) <= Math.max(2 * tick, 0.005 * Math.max(a, b));
}

/** The stream's base rate, else its average one. */
function baseRate(v: VideoStreamInfo): Rational | undefined {
  return v.frameRate ?? v.averageFrameRate;
}

/**
 * Whether the video's frames at its base rate last as long as the video does (its frames evenly spaced on that
 * rate, its last one a frame long): then `frames ÷ rate` is its duration and a plan on the rate keeps its length.
 * False without a rate, and for a variable-rate video.
 * @example spansItsRate(probe.video) // false for a clip whose container was slowed down without re-encoding
 */
export function spansItsRate(v: VideoStreamInfo): boolean {
  const rate = baseRate(v);
  if (!rate || v.variableFrameRate) return false;
  return agree(v.frames / toNumber(rate), v.durationSeconds, toNumber(v.timeBase));
}

/**
 * The frame rate to give the encoder, whose last frame ffmpeg shows for one frame at that rate (with
 * `-fps_mode passthrough` every other frame keeps its timestamp whatever the rate): the base rate when its frame
 * lasts as long as the video's last frame does, else the rate of that last frame's duration, so the output lasts as
 * long as the input (two frames 170 s apart whose second shows for 1 s are 171 s, not the 340 s a rate of one frame
 * per 170 s gives). Undefined when the video has neither.
 * @example lastFrameRate(probe.video) // { num: 1, den: 1 } for that two-frame video
 */
export function lastFrameRate(v: VideoStreamInfo): Rational | undefined {
  const rate = baseRate(v);
  const tb = v.timeBase;
  const last = v.lastFrameDuration;
  if (!(last > 0) || !Number.isFinite(last)) return rate;
  if (rate && agree(tb.den / (tb.num * toNumber(rate)), last, 1)) return rate;
  return parseRational(`${tb.den}/${Math.round(tb.num * last)}`) ?? rate;
}
