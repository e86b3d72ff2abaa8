import { describe, expect, it } from "vitest";
import { lastFrameRate, spansItsRate } from "./frame-timing.js";
import type { VideoStreamInfo } from "./probe.js";

/** The timing facts of a video stream (the rest of its probe does not matter here). */
function stream(o: {
  rate?: [number, number];
  timeBase: [number, number];
  timestamps: number[];
  last: number;
  variable?: boolean;
}): VideoStreamInfo {
  const [num, den] = o.timeBase;
  const ts = o.timestamps;
  return {
    frameRate: o.rate ? { num: o.rate[0], den: o.rate[1] } : undefined,
    averageFrameRate: undefined,
    timeBase: { num, den },
    frames: ts.length,
    timestamps: Float64Array.from(ts),
    variableFrameRate: o.variable ?? false,
    lastFrameDuration: o.last,
    durationSeconds: ((ts[ts.length - 1]! - ts[0]! + o.last) * num) / den,
  } as VideoStreamInfo;
}

/** `n` timestamps `step` apart, rounded to the tick, as a muxer writes them. */
const grid = (n: number, step: number) => Array.from({ length: n }, (_, i) => Math.round(i * step));

describe("frame timing against the stated rate", () => {
  it("keeps the base rate where the frames follow it, within the time base's rounding", () => {
    // 29.97 fps in an mp4's 1/15360: frames 512 or 513 ticks apart, the last 512 long.
    const mp4 = stream({ rate: [30000, 1001], timeBase: [1, 15360], timestamps: grid(300, 512.512), last: 512 });
    expect(spansItsRate(mp4)).toBe(true);
    expect(lastFrameRate(mp4)).toBe(mp4.frameRate);
    // The same in Matroska's milliseconds: 33 or 34 apart, the last 33.
    const mkv = stream({ rate: [30000, 1001], timeBase: [1, 1000], timestamps: grid(300, 33.3667), last: 33 });
    expect(spansItsRate(mkv)).toBe(true);
    expect(lastFrameRate(mkv)).toBe(mkv.frameRate);
  });

  it("finds a stated rate its frames do not follow", () => {
    // A clip slowed down in its container: frames 250 ms apart under its header's 8 fps (its packets still 125 ms).
    const slowed = stream({ rate: [8, 1], timeBase: [1, 1000], timestamps: grid(8, 250), last: 125 });
    expect(spansItsRate(slowed)).toBe(false);
    expect(lastFrameRate(slowed)).toEqual({ num: 8, den: 1 });
    // Interlaced video whose stated rate is its field rate: 50 fps, frames 40 ms apart.
    const fields = stream({ rate: [50, 1], timeBase: [1, 1000], timestamps: grid(50, 40), last: 40 });
    expect(spansItsRate(fields)).toBe(false);
    expect(lastFrameRate(fields)).toEqual({ num: 25, den: 1 });
  });

  it("gives the last frame its own duration where it differs from a frame at the base rate", () => {
    // Two pictures 170 s apart, the second shown for 1 s: 171 s, not the 340 s one frame per 170 s makes.
    const gap = stream({ rate: [1, 170], timeBase: [1, 16384], timestamps: [0, 170 * 16384], last: 16384 });
    expect(spansItsRate(gap)).toBe(false);
    expect(lastFrameRate(gap)).toEqual({ num: 1, den: 1 });
    // A slideshow of pictures 5 s apart whose last shows for 3.666 s (Matroska's ms).
    const slides = stream({ rate: [1, 5], timeBase: [1, 1000], timestamps: [0, 5000, 10000], last: 3666 });
    expect(lastFrameRate(slides)).toEqual({ num: 500, den: 1833 });
  });

  it("is false for a variable-rate video and without a rate; a last frame of no length keeps the rate", () => {
    const vfr = stream({ rate: [8, 1], timeBase: [1, 8], timestamps: [0, 1, 3, 4], last: 1, variable: true });
    expect(spansItsRate(vfr)).toBe(false);
    expect(lastFrameRate(vfr)).toEqual({ num: 8, den: 1 });
    const none = stream({ timeBase: [1, 1000], timestamps: [0, 40], last: 40 });
    expect(spansItsRate(none)).toBe(false);
    expect(lastFrameRate(none)).toEqual({ num: 25, den: 1 });
    const zero = stream({ rate: [25, 1], timeBase: [1, 1000], timestamps: [0], last: 0 });
    expect(lastFrameRate(zero)).toEqual({ num: 25, den: 1 });
  });
});
