/**
 * @module The streaming driver on a real tiny FILM session: 14 frames at 7 fps → 48 at 24 fps in order with exact
 * pixels, source frames passed through, bounded look-ahead, recursive midpoints equal to arbitrary t at the dyadic
 * times, a variable-rate plan that skips source frames, progress and abort, and sources that do not match their plan.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RgbImage } from "../../image/decode.js";
import { TINY_FILM_TF } from "../../models/factory/film-tiny.js";
import { FrameInterpolationError } from "./errors.js";
import { blend, openTinyFilm, testFrame } from "./film-fixtures.js";
import type { FilmModel } from "./film-model.js";
import { planFrameTimes, planMidpoints } from "./frame-plan.js";
import { FrameLoopAbortedError, type InferFrame, interpolateFrames, type OutputFrame } from "./interpolate-stream.js";
import { interpolateVideo } from "./interpolate-video.js";

let film: FilmModel;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ film, close } = await openTinyFilm(TINY_FILM_TF));
});
afterAll(() => close());

const frames = Array.from({ length: 14 }, (_, i) => testFrame(40, 30, i));

/** A source that counts how many frames were pulled and whether it was closed. */
function counted(list: RgbImage[]) {
  const state = { pulled: 0, closed: false };
  async function* gen() {
    try {
      for (const f of list) {
        state.pulled++;
        yield f;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: gen() };
}

async function collect(it: AsyncIterable<OutputFrame>): Promise<OutputFrame[]> {
  const out: OutputFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

async function failure(it: AsyncIterable<OutputFrame>): Promise<Error> {
  return collect(it).then(
    () => {
      throw new Error("expected the stream to fail");
    },
    (err: Error) => err,
  );
}

describe("interpolateFrames", () => {
  it("pulls past the source frames a variable-rate plan skips, blending the pair around each time", async () => {
    // Frames at 0, 10, 20, 30 and 400 ms, at 10 fps: output frames 1-3 fall between source frames 3 and 4.
    const timeline = { timestamps: [0, 1, 2, 3, 40], timeBase: { num: 1, den: 100 }, span: 41 };
    const plan = planFrameTimes({ frames: 5, fps: 1, targetFps: 10, timeline });
    const calls: Array<[number, number, number]> = [];
    const infer: InferFrame = async (a, b, t) => {
      calls.push([frames.indexOf(a), frames.indexOf(b), t]);
      return a;
    };
    const { state, source } = counted(frames.slice(0, 5));
    const out = await collect(interpolateFrames(source, plan, infer));
    expect(out.map((f) => [f.source, f.t])).toEqual([
      [0, 0],
      [3, 7 / 37],
      [3, 17 / 37],
      [3, 27 / 37],
    ]);
    expect(out[0]!.image).toBe(frames[0]);
    expect(calls).toEqual([
      [3, 4, 7 / 37],
      [3, 4, 17 / 37],
      [3, 4, 27 / 37],
    ]);
    expect(state).toEqual({ pulled: 5, closed: true });
  });

  it("streams 14 frames at 7 fps into 48 frames at 24 fps, in order, exact, looking ahead one frame", async () => {
    const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
    const { state, source } = counted(frames);
    const calls: number[] = [];
    const infer: InferFrame = (x, y, t) => {
      calls.push(t);
      return film.interpolate(x, y, t);
    };
    const progress: number[] = [];
    const out: OutputFrame[] = [];
    for await (const f of interpolateFrames(source, plan, infer, {
      progress: (p) => progress.push(p.step * 1000 + p.total),
    })) {
      // Source frames are pulled only as the plan reaches them: at most the second frame of the next output
      // frame's pair (that frame is asked for before this one is handed on).
      expect(state.pulled).toBeLessThanOrEqual(Math.min(14, f.source + 3));
      out.push(f);
    }
    expect(out).toHaveLength(48);
    for (const [j, f] of out.entries()) {
      const held = 7 * j > 13 * 24;
      const source = held ? 13 : Math.floor((7 * j) / 24);
      const m = held ? 0 : (7 * j) % 24;
      expect([f.index, f.time, f.source, f.t]).toEqual([j, j / 24, source, m / 24]);
      if (m === 0) expect(f.image).toBe(frames[source]);
      else expect(f.image.pixels).toEqual(blend(frames[source]!, frames[source + 1]!, m / 24).pixels);
    }
    expect(calls).toHaveLength(43);
    expect(progress).toEqual(Array.from({ length: 48 }, (_, j) => (j + 1) * 1000 + 48));
    expect(state.closed).toBe(true);
  });

  it("marks spare the source frames a target-fps plan never passes through, and none of recursive midpoints", async () => {
    const spares: string[] = [];
    const record: InferFrame = (x, y, t, spare) => {
      const i = frames.indexOf(x);
      spares.push(`${i}${spare?.a ? "s" : "k"}-${i + 1}${spare?.b ? "s" : "k"}`);
      return film.interpolate(x, y, t);
    };
    // 14 frames at 7 fps → 24 fps: source frames 0, 7 and 13 are output frames 0, 24 and (held) 45–47; FILM alone
    // reads the rest.
    for await (const _ of interpolateFrames(frames, planFrameTimes({ frames: 14, fps: 7, targetFps: 24 }), record));
    const pairs = [...new Set(spares)];
    expect(pairs).toEqual(
      Array.from(
        { length: 13 },
        (_, i) => `${i}${i === 0 || i === 7 ? "k" : "s"}-${i + 1}${i + 1 === 7 || i + 1 === 13 ? "k" : "s"}`,
      ),
    );
    spares.length = 0;
    const midpoints = planMidpoints({ frames: 3, fps: 6, timesToInterpolate: 1 });
    for await (const _ of interpolateFrames(frames.slice(0, 3), midpoints, record));
    expect(spares).toEqual(["0k-1k", "1k-2k"]);
  });

  it("asks for the next frame before handing on the current one: plan order, two calls at most, none left behind", async () => {
    const plan = planFrameTimes({ frames: 5, fps: 6, multiplier: 3 });
    let out = 0;
    const outAtYield: number[] = [];
    const calls: Array<[number, number]> = [];
    const infer: InferFrame = async (x, y, t) => {
      calls.push([frames.indexOf(x), t]);
      out++;
      try {
        await new Promise((r) => setTimeout(r, 2));
        return await film.interpolate(x, y, t);
      } finally {
        out--;
      }
    };
    const got = [];
    for await (const f of interpolateFrames(frames.slice(0, 5), plan, infer)) {
      outAtYield.push(out);
      got.push(f);
    }
    expect(got.map((f) => f.index)).toEqual(plan.frames.map((f) => f.index));
    // Frames 0, 1/3, 2/3, 1, … : when a frame is handed on, the next interpolated frame is already being computed.
    expect(outAtYield).toEqual(plan.frames.map((_, j) => (plan.frames[j + 1]?.t ? 1 : 0)));
    expect(calls).toEqual(plan.frames.filter((f) => f.t > 0).map((f) => [f.source, f.t]));
    for (const f of got)
      if (f.t > 0) expect(f.image.pixels).toEqual(blend(frames[f.source]!, frames[f.source + 1]!, f.t).pixels);

    // A failing frame: the stream fails with its error only once the frame asked for after it has settled.
    let n = 0;
    let settled = 0;
    const failing: InferFrame = async (x, y, t) => {
      const call = ++n;
      await new Promise((r) => setTimeout(r, call === 1 ? 1 : 30));
      settled++;
      if (call === 1) throw new Error("the first interpolated frame failed");
      return film.interpolate(x, y, t);
    };
    const err = await failure(interpolateFrames(frames.slice(0, 5), plan, failing));
    const settledAtFailure = settled;
    expect(err.message).toBe("the first interpolated frame failed");
    expect([n, settledAtFailure]).toEqual([2, 2]);
  });

  it("computes FILM's recursive midpoints, which equal arbitrary-t frames at the dyadic times", async () => {
    const five = frames.slice(0, 5);
    const recursive = await collect(
      interpolateFrames(five, planMidpoints({ frames: 5, fps: 6, timesToInterpolate: 3 }), film.interpolate),
    );
    const direct = await collect(
      interpolateFrames(five, planFrameTimes({ frames: 5, fps: 6, multiplier: 8 }), film.interpolate),
    );
    expect(recursive).toHaveLength(33);
    expect(recursive.map((f) => [f.source, f.t])).toEqual(direct.slice(0, 33).map((f) => [f.source, f.t]));
    for (const [j, f] of recursive.entries()) expect(f.image.pixels).toEqual(direct[j]!.image.pixels);
    // The midpoints really were computed by halving: 7 calls per pair, all at t = 0.5.
    const times: number[] = [];
    const spy: InferFrame = (x, y, t) => {
      times.push(t);
      return film.interpolate(x, y, t);
    };
    await collect(interpolateFrames(five, planMidpoints({ frames: 5, fps: 6, timesToInterpolate: 3 }), spy));
    expect(times).toEqual(new Array(28).fill(0.5));
  });

  it("stops between frames when aborted and closes the source", async () => {
    const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
    const control = {
      aborted: false,
      progress(p: { step: number }) {
        control.aborted = p.step >= 5;
      },
    };
    const { state, source } = counted(frames);
    const err = await failure(interpolateFrames(source, plan, film.interpolate, control));
    expect(err).toBeInstanceOf(FrameLoopAbortedError);
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(4);
    class Cancelled extends Error {}
    const own = await failure(
      interpolateFrames(frames, plan, film.interpolate, {
        throwIfAborted: () => {
          throw new Cancelled("cancelled");
        },
      }),
    );
    expect(own).toBeInstanceOf(Cancelled);
  });

  it("refuses a frame of another size, and a source shorter or longer than its plan", async () => {
    const plan = planFrameTimes({ frames: 4, fps: 6, multiplier: 2 });
    const odd = [frames[0]!, frames[1]!, frames[2]!, testFrame(40, 31, 3)];
    const err = await failure(interpolateFrames(odd, plan, film.interpolate));
    expect(err).toBeInstanceOf(FrameInterpolationError);
    expect(err).toMatchObject({
      code: "frame-size-mismatch",
      message: "frame 3 is 40×31 px (3720 bytes); frame 0 is 40×30 px: every frame must have the same size",
    });
    const short = await failure(interpolateFrames(frames.slice(0, 3), plan, film.interpolate));
    expect(short).toMatchObject({
      code: "frame-count-mismatch",
      message: "the source ended after 3 frames; 4 were expected",
    });
    const long = counted(frames.slice(0, 5));
    expect(await failure(interpolateFrames(long.source, plan, film.interpolate))).toMatchObject({
      code: "frame-count-mismatch",
      message: "the source has more than the 4 frames expected",
    });
    expect(long.state.closed).toBe(true);
  });
});

describe("interpolateVideo", () => {
  it("reads the decoder one frame ahead while FILM works, never more than two frames past the pair", async () => {
    const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
    const { state, source } = counted(frames);
    const dir = await mkdtemp(join(tmpdir(), "avs-film-video-"));
    try {
      const ahead: number[] = [];
      const result = await interpolateVideo({
        source,
        plan,
        infer: film.interpolate,
        width: 40,
        height: 30,
        output: join(dir, "out.mp4"),
        control: {
          // Output frame j needs source frames up to its pair's second: how many more had been pulled by then.
          progress: (p) => ahead.push(state.pulled - Math.min(14, plan.frames[p.step - 1]!.source + 2)),
        },
      });
      expect(result).toMatchObject({ frames: 48, fps: 24, duration: 2 });
      expect(existsSync(result.output)).toBe(true);
      // The next frame is fetched while the current ones are used (overlap), and the look-ahead stays bounded:
      // the next output frame's pair (asked for ahead) and one decoded frame past it.
      expect(Math.max(...ahead)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...ahead)).toBeLessThanOrEqual(3);
      expect(state.closed).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
