/**
 * @module The frame-time planner: which output frames a frame-rate change makes, each with its source pair and the
 * time `t` between them. Two modes:
 *
 * * **times** (a target fps or a multiplier): duration-preserving resampling. N frames at `fps` span N / fps
 *   seconds (each frame is shown for 1 / fps); the output has round(N · target / fps) frames at `target`, so it
 *   spans the same time. Output frame j is at j / target s, which falls at source position p = j · fps / target:
 *   it is source frame ⌊p⌋ blended towards ⌊p⌋ + 1 by t = p − ⌊p⌋. A whole p is a source frame, passed through
 *   without inference (t = 0); a p past the last source frame holds that frame (the last source frame is on
 *   screen until N / fps). 14 frames at 7 fps (2 s) → 48 frames at 24 fps (2 s), with source frames 0 and 7 passed
 *   through at 0 s and 1 s.
 * * **midpoints** (`times_to_interpolate = k`): FILM's recursive midpoints (the reference's
 *   `interpolate_recursively`): 2^k − 1 frames between each pair, at t = m / 2^k, computed by halving (the frame at
 *   1/4 is the midpoint of the pair's first frame and the frame at 1/2). (N − 1) · 2^k + 1 frames at fps · 2^k,
 *   which span half a source frame less than the input, as in the reference. On a variable-rate source's timeline
 *   the frame at t sits at that fraction of the time between its pair (the midpoint in time, as FILM means it), so
 *   the output keeps the source's uneven spacing, each gap split into 2^k equal steps.
 *
 * Rates are handled as exact fractions (30000/1001 stays exact), so `t` and the source indices are exact.
 *
 * Every rate, source and output alike, is between {@link MIN_FPS} and {@link MAX_FPS}, whichever field asked for it
 * (a target, a multiplier or a depth): below that the fractions and ffmpeg's mp4 muxer give out (see
 * {@link MIN_FPS}), above it is more than the runner writes.
 */
import { FrameInterpolationError } from "./errors.js";

/** One output frame of a plan. */
export interface PlannedFrame {
  /** Position in the output, from 0. */
  index: number;
  /** Presentation time in seconds (index / fps). */
  time: number;
  /** The source frame it starts from (the pair is `source`, `source + 1`). */
  source: number;
  /** Time between the pair in [0, 1): 0 = the source frame itself, passed through without inference. */
  t: number;
  /** Presentation timestamp in the plan's `timeBase`, when it has one (else the frame is at `index` / fps). */
  pts?: number;
}

/** The output frames of a frame-rate change. */
export interface FramePlan {
  mode: "times" | "midpoints";
  sourceFrames: number;
  sourceFps: number;
  /** Output frame rate. */
  fps: number;
  /** The output frame rate as an exact fraction (`num / den` fps): output frame j is at j · den / num s. */
  rate: { num: number; den: number };
  /** Output duration in seconds (frames / fps). */
  duration: number;
  /** Output frames that need inference (t > 0). */
  inferences: number;
  /** Midpoints mode: the recursion depth k. */
  timesToInterpolate?: number;
  /**
   * The unit of the frames' `pts`, for a plan whose frames are not evenly spaced (midpoints on a variable-rate
   * source's timeline: the source's time base / 2^k, so every time is exact); `rate` is then their average rate.
   */
  timeBase?: Ratio;
  frames: PlannedFrame[];
}

/** A frame-rate change by target rate or by multiplier (exactly one of them). */
export interface FrameTimesRequest {
  /** Source frame count (≥ 2). */
  frames: number;
  /** Source frame rate. */
  fps: number;
  /** Output frame rate, at least the source's. */
  targetFps?: number;
  /** Output rate as a multiple of the source's (≥ 1); 2 doubles it. */
  multiplier?: number;
  /** Most output frames allowed (the job's budget); more is a `frame-budget` error. */
  maxFrames?: number;
  /**
   * The source's own frame times, where N / fps would not span it (a variable-frame-rate source, or one whose stated
   * rate does not match its times): the output then spans the source's real duration and frame j, at j / target s
   * after the first source frame, blends the two source frames around that time.
   */
  timeline?: SourceTimeline;
}

/** When a source's frames are shown, in the units of its time base (the probe's frame index). */
export interface SourceTimeline {
  /** Presentation times of the frames, ascending, one per source frame. */
  timestamps: ArrayLike<number>;
  /** The unit of `timestamps` and `span` in seconds, e.g. 1/15360. */
  timeBase: Ratio;
  /** From the first frame's start to the last frame's end. */
  span: number;
}

/** FILM's recursive midpoints. */
export interface MidpointsRequest {
  frames: number;
  fps: number;
  /** Recursion depth k ≥ 1: 2^k − 1 frames between each pair. */
  timesToInterpolate: number;
  maxFrames?: number;
  /** A variable-rate source's frame times: each pair's frames then sit at m / 2^k of the time between the two. */
  timeline?: SourceTimeline;
}

/** A positive rate as an exact fraction. */
export interface Ratio {
  num: number;
  den: number;
}

/**
 * The lowest frame rate planned (source and so output): one frame per 10,000 s. Measured on this machine's ffmpeg 5.1:
 * the mp4 muxer counts a track in 32-bit units of a timescale of 10,000–20,000 per second, so a frame may last at
 * most ~2^31 / 20,000 s, less x264's reordering delay (a few frames); ~1e-5 fps is where it broke in probes (1/100000 fps
 * is refused with `Not yet implemented`, 1/65536 fps wrote a duration of 0), 1e-4 keeps a margin of more than 3×. It
 * is also where {@link toRatio} still reads a rate closely: below 1e-5 it finds no fraction at all (0 / 1).
 */
export const MIN_FPS = 1e-4;

/** The highest frame rate planned, source or output: the most the runner writes (`output_fps`'s maximum in the spec). */
export const MAX_FPS = 240;

/** Largest denominator tried when reading a rate as a fraction (NTSC's 1001 and finer fit). */
const MAX_DEN = 100_000;

/** The fraction closest to `x` with a denominator ≤ {@link MAX_DEN} (continued fractions). */
function toRatio(x: number): Ratio {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let rest = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(rest);
    const [h2, k2] = [a * h1 + h0, a * k1 + k0];
    if (k2 > MAX_DEN) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(x - h1 / k1) <= 1e-12 * x || rest === a) break;
    rest = 1 / (rest - a);
  }
  return { num: h1, den: k1 };
}

function checkSource(frames: number, fps: number): void {
  if (!Number.isInteger(frames) || frames < 2) {
    throw new FrameInterpolationError("too-few-frames", `frame interpolation needs at least 2 frames, got ${frames}`, {
      frames,
    });
  }
  if (!Number.isFinite(fps) || fps <= 0) {
    throw new FrameInterpolationError("bad-rate", `the source frame rate must be a positive number, got ${fps}`);
  }
  if (fps < MIN_FPS || fps > MAX_FPS) {
    throw new FrameInterpolationError(
      "source-rate-out-of-range",
      `the source frame rate must be from ${MIN_FPS} to ${MAX_FPS} fps, got ${fps}`,
      { fps, min: MIN_FPS, max: MAX_FPS },
    );
  }
}

/** Refuses an output rate `rate` over {@link MAX_FPS} (exactly: 240.000001 is over, 240 is not). */
function checkOutputRate(rate: Ratio, fps: number, how: Record<string, number>): void {
  if (rate.num <= MAX_FPS * rate.den) return;
  const outputFps = rate.num / rate.den;
  throw new FrameInterpolationError(
    "output-rate-too-high",
    `the output rate ${round6(outputFps)} fps is above ${MAX_FPS} fps, the most frame interpolation writes`,
    { fps, outputFps, max: MAX_FPS, ...how },
  );
}

function checkBudget(count: number, maxFrames: number | undefined, what: string): void {
  if (maxFrames !== undefined && count > maxFrames) {
    throw new FrameInterpolationError(
      "frame-budget",
      `${what} makes ${count} output frames; at most ${maxFrames} output frames are allowed per job`,
      { frames: count, budget: maxFrames },
    );
  }
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Plans a duration-preserving frame-rate change (see the module comment for the convention).
 * @throws {FrameInterpolationError} `too-few-frames`, `bad-rate`, `source-rate-out-of-range`, `fps-below-source`,
 *   `output-rate-too-high` or `frame-budget`.
 * @example
 * const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
 * plan.frames.length // 48
 * plan.frames[1] // { index: 1, time: 0.041667, source: 0, t: 0.291666… (7/24) }
 */
export function planFrameTimes(request: FrameTimesRequest): FramePlan {
  const { frames, fps, targetFps, multiplier, maxFrames } = request;
  checkSource(frames, fps);
  if ((targetFps === undefined) === (multiplier === undefined)) {
    throw new FrameInterpolationError("bad-rate", "give either a target fps or a multiplier, not both or neither");
  }
  const src = toRatio(fps);
  let target: Ratio;
  if (multiplier !== undefined) {
    if (!Number.isFinite(multiplier) || multiplier < 1) {
      throw new FrameInterpolationError("bad-rate", `the multiplier must be a number ≥ 1, got ${multiplier}`);
    }
    const m = toRatio(multiplier);
    target = { num: src.num * m.num, den: src.den * m.den };
    checkOutputRate(target, fps, { multiplier });
  } else {
    if (!Number.isFinite(targetFps) || targetFps! <= 0) {
      throw new FrameInterpolationError("bad-rate", `the target fps must be a positive number, got ${targetFps}`);
    }
    target = toRatio(targetFps!);
    if (target.num * src.den < src.num * target.den) {
      throw new FrameInterpolationError(
        "fps-below-source",
        `the target fps ${targetFps} is below the source's ${fps} fps; frame interpolation only raises the frame rate`,
        { fps, targetFps: targetFps! },
      );
    }
    checkOutputRate(target, fps, { targetFps: targetFps! });
  }
  if (request.timeline) return planOnTimeline(request.timeline, frames, fps, target, maxFrames);
  // count = round(N · target / fps), with target / fps = (tn · sd) / (td · sn); halves round up.
  const num = frames * target.num * src.den;
  const den = target.den * src.num;
  const count = Math.floor((2 * num + den) / (2 * den));
  const outFps = target.num / target.den;
  if (!Number.isSafeInteger(2 * num + den) || !Number.isSafeInteger(count * src.num * target.den)) {
    throw new FrameInterpolationError(
      "bad-rate",
      `interpolating ${frames} frames from ${fps} fps to ${round6(outFps)} fps needs fractions finer than this runner plans with (${src.num}/${src.den} and ${target.num}/${target.den} fps); give rates with fewer digits`,
      { fps, outputFps: outFps },
    );
  }
  checkBudget(count, maxFrames, `interpolating ${frames} frames at ${round6(fps)} fps to ${round6(outFps)} fps`);
  // Source position of frame j: j · fps / target = j · (sn · td) / (sd · tn) = P / Q, exactly.
  const step = src.num * target.den;
  const q = src.den * target.num;
  return timesPlan(frames, fps, target, count, (j) => {
    const p = j * step;
    const source = Math.floor(p / q);
    return source >= frames - 1 ? [frames - 1, 0] : [source, (p - source * q) / q];
  });
}

/** A `times` plan of `count` frames at `target`, output frame j from source pair and t `position(j)` (in order). */
function timesPlan(
  frames: number,
  fps: number,
  target: Ratio,
  count: number,
  position: (j: number) => [source: number, t: number],
): FramePlan {
  const planned: PlannedFrame[] = new Array(count);
  let inferences = 0;
  for (let j = 0; j < count; j++) {
    const [source, t] = position(j);
    if (t > 0) inferences++;
    planned[j] = { index: j, time: (j * target.den) / target.num, source, t };
  }
  return {
    mode: "times",
    sourceFrames: frames,
    sourceFps: fps,
    fps: target.num / target.den,
    rate: { num: target.num, den: target.den },
    duration: (count * target.den) / target.num,
    inferences,
    frames: planned,
  };
}

/**
 * {@link planFrameTimes} on a source's own frame times: round(span · target) frames, frame j at j / target s after
 * the first source frame, between the source frames k and k + 1 shown around then, at t = (time − start of k) /
 * (start of k + 1 − start of k). Source frames shown for less than 1 / target s may be skipped. Exact (BigInt: a
 * time base of 1/90000 and a target of 30000/1001 overflow doubles).
 */
function planOnTimeline(
  timeline: SourceTimeline,
  frames: number,
  fps: number,
  target: Ratio,
  maxFrames?: number,
): FramePlan {
  if (timeline.timestamps.length !== frames) {
    throw new RangeError(`the timeline has ${timeline.timestamps.length} frame times for ${frames} frames`);
  }
  const big = (x: number) => BigInt(Math.round(x));
  const [tbn, tbd, tn, td] = [big(timeline.timeBase.num), big(timeline.timeBase.den), big(target.num), big(target.den)];
  // Time-base ticks × `per`, so that output frame j is at j · step: ticks · tbn / tbd s = j · td / tn s.
  const [per, step] = [tbn * tn, tbd * td];
  const span = big(timeline.span) * per;
  const count = Number((2n * span + step) / (2n * step));
  const outFps = target.num / target.den;
  const seconds = (timeline.span * timeline.timeBase.num) / timeline.timeBase.den;
  checkBudget(
    count,
    maxFrames,
    `interpolating ${frames} frames over ${round6(seconds)} s (by its frames' own times) to ${round6(outFps)} fps`,
  );
  const first = big(timeline.timestamps[0]!);
  const at = (k: number) => (big(timeline.timestamps[k]!) - first) * per;
  let source = 0;
  // Called for j = 0, 1, … in order: the source pair only moves forward.
  return timesPlan(frames, fps, target, count, (j) => {
    const time = BigInt(j) * step;
    while (source < frames - 1 && at(source + 1) <= time) source++;
    return [source, source === frames - 1 ? 0 : Number(time - at(source)) / Number(at(source + 1) - at(source))];
  });
}

/**
 * Plans FILM's recursive midpoints: 2^k − 1 frames between each pair, at fps · 2^k.
 * @throws {FrameInterpolationError} `too-few-frames`, `bad-rate`, `source-rate-out-of-range`,
 *   `output-rate-too-high` or `frame-budget`.
 * @example planMidpoints({ frames: 14, fps: 7, timesToInterpolate: 2 }).frames.length // 53 = 13 · 4 + 1
 */
export function planMidpoints(request: MidpointsRequest): FramePlan {
  const { frames, fps, timesToInterpolate: k, maxFrames } = request;
  checkSource(frames, fps);
  if (!Number.isInteger(k) || k < 1 || k > 16) {
    throw new FrameInterpolationError("bad-rate", `times_to_interpolate must be a whole number from 1 to 16, got ${k}`);
  }
  const per = 2 ** k;
  const src = toRatio(fps);
  checkOutputRate({ num: src.num * per, den: src.den }, fps, { timesToInterpolate: k });
  const count = (frames - 1) * per + 1;
  checkBudget(count, maxFrames, `${k} recursive midpoint level${k > 1 ? "s" : ""} over ${frames} frames`);
  const outFps = fps * per;
  const { timeline } = request;
  if (timeline && timeline.timestamps.length !== frames) {
    throw new RangeError(`the timeline has ${timeline.timestamps.length} frame times for ${frames} frames`);
  }
  // On a timeline, ticks of the time base / 2^k from the first frame: source frame s at (ts[s] − ts[0]) · 2^k.
  const at = (s: number) => (timeline ? (timeline.timestamps[s]! - timeline.timestamps[0]!) * per : s * per);
  const planned: PlannedFrame[] = new Array(count);
  for (let j = 0; j < count; j++) {
    const source = Math.min(Math.floor(j / per), frames - 1);
    const m = j - source * per;
    const frame: PlannedFrame = { index: j, time: j / outFps, source, t: m / per };
    if (timeline) {
      frame.pts = at(source) + (m === 0 ? 0 : (m * (at(source + 1) - at(source))) / per);
      frame.time = (frame.pts * timeline.timeBase.num) / (timeline.timeBase.den * per);
    }
    planned[j] = frame;
  }
  return {
    mode: "midpoints",
    sourceFrames: frames,
    sourceFps: fps,
    fps: outFps,
    rate: { num: src.num * per, den: src.den },
    duration: timeline ? planned[count - 1]!.time + 1 / outFps : count / outFps,
    inferences: count - frames,
    timesToInterpolate: k,
    ...(timeline ? { timeBase: { num: timeline.timeBase.num, den: timeline.timeBase.den * per } } : {}),
    frames: planned,
  };
}
