/**
 * @module The frame-time planner: duration-preserving plans by target fps or multiplier (on a variable-rate source's
 * frame times too), midpoint plans, and its errors.
 */
import { describe, expect, it } from "vitest";
import { FrameInterpolationError } from "./errors.js";
import { MAX_FPS, MIN_FPS, planFrameTimes, planMidpoints } from "./frame-plan.js";

/** The error a call throws (or fails the test). */
function thrown(fn: () => unknown): FrameInterpolationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FrameInterpolationError) return err;
    throw err;
  }
  throw new Error("expected a FrameInterpolationError");
}

describe("planFrameTimes", () => {
  it("turns 14 frames at 7 fps into 48 frames at 24 fps over the same 2 s", () => {
    const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
    expect(plan).toMatchObject({ mode: "times", sourceFrames: 14, fps: 24, duration: 2 });
    expect(plan.frames).toHaveLength(48);
    for (const f of plan.frames) {
      // Output frame j shows source position 7j/24: pair ⌊7j/24⌋ at t = (7j mod 24) / 24; past frame 13, frame 13 held.
      const j = f.index;
      const held = 7 * j > 13 * 24;
      expect(f.time).toBe(j / 24);
      expect(f.source).toBe(held ? 13 : Math.floor((7 * j) / 24));
      expect(f.t).toBe(held ? 0 : ((7 * j) % 24) / 24);
    }
    const passed = plan.frames.filter((f) => f.t === 0).map((f) => [f.index, f.source]);
    expect(passed).toEqual([
      [0, 0],
      [24, 7],
      [45, 13],
      [46, 13],
      [47, 13],
    ]);
    expect(plan.inferences).toBe(43);
  });

  it("doubles and quadruples with a multiplier, source frames passed through at whole positions", () => {
    const x2 = planFrameTimes({ frames: 5, fps: 10, multiplier: 2 });
    expect(x2.fps).toBe(20);
    expect(x2.duration).toBe(0.5);
    expect(x2.frames.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [0, 0.5],
      [1, 0],
      [1, 0.5],
      [2, 0],
      [2, 0.5],
      [3, 0],
      [3, 0.5],
      [4, 0],
      [4, 0],
    ]);
    const x4 = planFrameTimes({ frames: 3, fps: 8, multiplier: 4 });
    expect(x4.fps).toBe(32);
    expect(x4.frames.map((f) => f.t)).toEqual([0, 0.25, 0.5, 0.75, 0, 0.25, 0.5, 0.75, 0, 0, 0, 0]);
    expect(x4.inferences).toBe(6);
  });

  it("keeps NTSC rates exact and leaves an equal rate untouched", () => {
    const ntsc = planFrameTimes({ frames: 30, fps: 30000 / 1001, targetFps: 60000 / 1001 });
    expect(ntsc.frames).toHaveLength(60);
    expect(new Set(ntsc.frames.map((f) => f.t))).toEqual(new Set([0, 0.5]));
    expect(ntsc.frames[59]).toMatchObject({ source: 29, t: 0 });
    const same = planFrameTimes({ frames: 4, fps: 6, targetFps: 6 });
    expect(same.frames.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(same.inferences).toBe(0);
  });

  it("plans a variable-rate source on its frame times: its real span, frames shown briefly skipped", () => {
    // Evenly spaced frame times give the same plan as the frame count does (SVD's 14 at 7 fps → 24 fps).
    const even = { timestamps: Array.from({ length: 14 }, (_, k) => 1000 + 2 * k), timeBase: { num: 1, den: 14 } };
    const timed = planFrameTimes({ frames: 14, fps: 7, targetFps: 24, timeline: { ...even, span: 28 } });
    expect(timed).toEqual(planFrameTimes({ frames: 14, fps: 7, targetFps: 24 }));
    // Frames at 0, 1, 3, 4 eighths (one dropped) span 5/8 s: 10 frames at 16 fps, the gap blended across.
    const gap = planFrameTimes({
      frames: 4,
      fps: 8,
      targetFps: 16,
      timeline: { timestamps: [0, 1, 3, 4], timeBase: { num: 1, den: 8 }, span: 5 },
    });
    expect(gap).toMatchObject({ fps: 16, duration: 0.625, inferences: 5 });
    expect(gap.frames.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [0, 0.5],
      [1, 0],
      [1, 0.25],
      [1, 0.5],
      [1, 0.75],
      [2, 0],
      [2, 0.5],
      [3, 0],
      [3, 0],
    ]);
    // A burst of frames 10 ms apart, then one 370 ms later, at 10 fps: frames 1 and 2 are never shown.
    const burst = planFrameTimes({
      frames: 5,
      fps: 100,
      multiplier: 1,
      timeline: { timestamps: [0, 1, 2, 3, 40], timeBase: { num: 1, den: 100 }, span: 41 },
    });
    expect(burst.frames).toHaveLength(41);
    const tenFps = planFrameTimes({
      frames: 5,
      fps: 1,
      targetFps: 10,
      timeline: { timestamps: [0, 1, 2, 3, 40], timeBase: { num: 1, den: 100 }, span: 41 },
    });
    expect(tenFps.frames.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [3, 7 / 37],
      [3, 17 / 37],
      [3, 27 / 37],
    ]);
    const over = thrown(() =>
      planFrameTimes({
        ...{ frames: 4, fps: 8, targetFps: 16, maxFrames: 9 },
        timeline: { timestamps: [0, 1, 3, 4], timeBase: { num: 1, den: 8 }, span: 5 },
      }),
    );
    expect(over.message).toBe(
      "interpolating 4 frames over 0.625 s (by its frames' own times) to 16 fps makes 10 output frames; at most 9 output frames are allowed per job",
    );
  });

  it("places recursive midpoints on a variable-rate timeline halfway in time between each pair", () => {
    // Frames at 0, 1, 3, 4 eighths: k = 1 splits each gap in two, in sixteenths (the time base / 2).
    const timeline = { timestamps: [0, 1, 3, 4], timeBase: { num: 1, den: 8 }, span: 5 };
    const plan = planMidpoints({ frames: 4, fps: 6.4, timesToInterpolate: 1, timeline });
    expect(plan.timeBase).toEqual({ num: 1, den: 16 });
    expect(plan.frames.map((f) => [f.source, f.t, f.pts, f.time])).toEqual([
      [0, 0, 0, 0],
      [0, 0.5, 1, 1 / 16],
      [1, 0, 2, 1 / 8],
      [1, 0.5, 4, 1 / 4],
      [2, 0, 6, 3 / 8],
      [2, 0.5, 7, 7 / 16],
      [3, 0, 8, 1 / 2],
    ]);
    expect(plan).toMatchObject({ fps: 12.8, rate: { num: 64, den: 5 }, duration: 0.5 + 1 / 12.8, inferences: 3 });
    // k = 2 on ticks of 1/90000 s from 1000: quarters of each gap, exact integers in 1/360000 s.
    const deep = planMidpoints({
      ...{ frames: 3, fps: 20, timesToInterpolate: 2 },
      timeline: { timestamps: [1000, 4000, 10000], timeBase: { num: 1, den: 90000 }, span: 12000 },
    });
    expect(deep.frames.map((f) => f.pts)).toEqual([0, 3000, 6000, 9000, 12000, 18000, 24000, 30000, 36000]);
    // Evenly spaced times give the evenly spaced plan's times.
    const even = planMidpoints({
      ...{ frames: 5, fps: 8, timesToInterpolate: 2 },
      timeline: { timestamps: [0, 1, 2, 3, 4], timeBase: { num: 1, den: 8 }, span: 5 },
    });
    const plain = planMidpoints({ frames: 5, fps: 8, timesToInterpolate: 2 });
    expect(even.frames.map((f) => [f.source, f.t, f.time])).toEqual(plain.frames.map((f) => [f.source, f.t, f.time]));
    expect(even.duration).toBe(plain.duration);
  });

  it("refuses too few frames, a lower target rate, an unusable rate and a plan over the budget", () => {
    for (const frames of [0, 1]) {
      const err = thrown(() => planFrameTimes({ frames, fps: 7, targetFps: 24 }));
      expect(err.code).toBe("too-few-frames");
      expect(err.message).toBe(`frame interpolation needs at least 2 frames, got ${frames}`);
    }
    const low = thrown(() => planFrameTimes({ frames: 14, fps: 7, targetFps: 5 }));
    expect(low.code).toBe("fps-below-source");
    expect(low.message).toBe(
      "the target fps 5 is below the source's 7 fps; frame interpolation only raises the frame rate",
    );
    expect(thrown(() => planFrameTimes({ frames: 14, fps: 7, targetFps: 24, multiplier: 2 })).code).toBe("bad-rate");
    expect(thrown(() => planFrameTimes({ frames: 14, fps: 7 })).code).toBe("bad-rate");
    expect(thrown(() => planFrameTimes({ frames: 14, fps: 7, multiplier: 0.5 })).message).toBe(
      "the multiplier must be a number ≥ 1, got 0.5",
    );
    expect(thrown(() => planFrameTimes({ frames: 14, fps: 0, targetFps: 24 })).code).toBe("bad-rate");
    const over = thrown(() => planFrameTimes({ frames: 14, fps: 7, targetFps: 24, maxFrames: 40 }));
    expect(over.code).toBe("frame-budget");
    expect(over.message).toBe(
      "interpolating 14 frames at 7 fps to 24 fps makes 48 output frames; at most 40 output frames are allowed per job",
    );
    expect(over.facts).toEqual({ frames: 48, budget: 40 });
    expect(planFrameTimes({ frames: 14, fps: 7, targetFps: 24, maxFrames: 48 }).frames).toHaveLength(48);
  });
});

describe("planMidpoints", () => {
  it("puts 2^k − 1 frames between each pair at t = m / 2^k", () => {
    const plan = planMidpoints({ frames: 3, fps: 6, timesToInterpolate: 2 });
    expect(plan).toMatchObject({ mode: "midpoints", fps: 24, timesToInterpolate: 2, inferences: 6 });
    expect(plan.frames.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [0, 0.25],
      [0, 0.5],
      [0, 0.75],
      [1, 0],
      [1, 0.25],
      [1, 0.5],
      [1, 0.75],
      [2, 0],
    ]);
    expect(plan.frames[8]!.time).toBe(8 / 24);
  });

  it("refuses a depth outside 1..16 and a plan over the budget", () => {
    expect(thrown(() => planMidpoints({ frames: 3, fps: 6, timesToInterpolate: 0 })).code).toBe("bad-rate");
    expect(thrown(() => planMidpoints({ frames: 1, fps: 6, timesToInterpolate: 1 })).code).toBe("too-few-frames");
    const over = thrown(() => planMidpoints({ frames: 14, fps: 7, timesToInterpolate: 3, maxFrames: 100 }));
    expect(over.message).toBe(
      "3 recursive midpoint levels over 14 frames makes 105 output frames; at most 100 output frames are allowed per job",
    );
  });
});

describe("the rate range, however the rate is asked for", () => {
  const plans = {
    target: (fps: number) => planFrameTimes({ frames: 2, fps, targetFps: Math.max(fps, 24) }),
    multiplier: (fps: number) => planFrameTimes({ frames: 2, fps, multiplier: 2 }),
    midpoints: (fps: number) => planMidpoints({ frames: 2, fps, timesToInterpolate: 1 }),
  };

  it("refuses a source rate below MIN_FPS (whose fraction was 0 / 1, a division by zero in the encoder) and plans MIN_FPS exactly", () => {
    expect(MIN_FPS).toBe(1e-4);
    for (const [mode, plan] of Object.entries(plans)) {
      for (const fps of [1e-300, 1e-10, 1e-6, 1e-5, 9.9e-5]) {
        const err = thrown(() => plan(fps));
        expect(err.code, `${mode} at ${fps} fps`).toBe("source-rate-out-of-range");
        expect(err.message).toBe(`the source frame rate must be from 0.0001 to 240 fps, got ${fps}`);
        expect(err.facts).toEqual({ fps, min: 1e-4, max: 240 });
      }
    }
    // One frame per 10,000 s, exactly.
    expect(plans.multiplier(1e-4)).toMatchObject({ rate: { num: 2, den: 10_000 }, duration: 20_000 });
    expect(plans.midpoints(1e-4)).toMatchObject({ rate: { num: 2, den: 10_000 }, duration: 15_000 });
    expect(planFrameTimes({ frames: 2, fps: 1e-4, targetFps: 1e-4 }).rate).toEqual({ num: 1, den: 10_000 });
  });

  it("refuses an output rate over MAX_FPS from a multiplier, a depth or a target, and takes exactly MAX_FPS", () => {
    expect(MAX_FPS).toBe(240);
    const cases: Array<[() => unknown, number, Record<string, number>]> = [
      [() => planFrameTimes({ frames: 4, fps: 240, multiplier: 2 }), 480, { fps: 240, multiplier: 2 }],
      [() => planFrameTimes({ frames: 4, fps: 200, multiplier: 64 }), 12_800, { fps: 200, multiplier: 64 }],
      [
        () => planMidpoints({ frames: 4, fps: 240, timesToInterpolate: 6 }),
        15_360,
        { fps: 240, timesToInterpolate: 6 },
      ],
      [() => planMidpoints({ frames: 4, fps: 121, timesToInterpolate: 1 }), 242, { fps: 121, timesToInterpolate: 1 }],
      [() => planFrameTimes({ frames: 4, fps: 24, targetFps: 240.5 }), 240.5, { fps: 24, targetFps: 240.5 }],
    ];
    for (const [plan, outputFps, how] of cases) {
      const err = thrown(plan);
      expect(err.code).toBe("output-rate-too-high");
      expect(err.message).toBe(
        `the output rate ${outputFps} fps is above 240 fps, the most frame interpolation writes`,
      );
      expect(err.facts).toEqual({ outputFps, max: 240, ...how });
    }
    // A source over MAX_FPS (a 1000 fps upload) is refused as a source, before its output rate.
    expect(thrown(() => planFrameTimes({ frames: 4, fps: 1000, multiplier: 64 })).message).toBe(
      "the source frame rate must be from 0.0001 to 240 fps, got 1000",
    );
    expect(planFrameTimes({ frames: 4, fps: 120, multiplier: 2 }).fps).toBe(240);
    expect(planMidpoints({ frames: 4, fps: 60, timesToInterpolate: 2 }).fps).toBe(240);
    expect(planFrameTimes({ frames: 4, fps: 24, targetFps: 240 }).fps).toBe(240);
  });
});
