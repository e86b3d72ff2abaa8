/**
 * @module Frame slots between the driver and the worker: the frames that cross (structured-cloned with transfer, as
 * postMessage does) are each source frame once for a target-fps plan, and the output equals calling the model directly.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RgbImage } from "../../image/decode.js";
import { TINY_FILM_TF } from "../../models/factory/film-tiny.js";
import { openTinyFilm, testFrame } from "./film-fixtures.js";
import type { FilmModel } from "./film-model.js";
import { planFrameTimes, planMidpoints } from "./frame-plan.js";
import { type InterpolateFrameJob, slotInfer, slotRunner } from "./frame-slots.js";
import { interpolateFrames } from "./interpolate-stream.js";

let film: FilmModel;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ film, close } = await openTinyFilm(TINY_FILM_TF));
});
afterAll(() => close());

/** A worker reached through structured cloning with transfer; counts the frames that cross. */
function worker() {
  const run = slotRunner(film);
  const crossed: number[] = [];
  const infer = slotInfer((job, transfer) => {
    crossed.push([job.a, job.b].filter((r) => r.frame).length);
    return run(structuredClone(job, { transfer }) as InterpolateFrameJob);
  });
  return { infer, crossed };
}

const frames = Array.from({ length: 14 }, (_, i) => testFrame(48, 32, i));

async function pixels(it: AsyncIterable<{ image: RgbImage }>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of it) out.push(f.image.pixels);
  return out;
}

it("sends each source frame to the worker once for a target-fps plan, with the model's own frames back", async () => {
  const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
  const { infer, crossed } = worker();
  const viaSlots = await pixels(interpolateFrames(frames, plan, infer));
  expect(viaSlots).toEqual(await pixels(interpolateFrames(frames, plan, film.interpolate)));
  expect(crossed).toHaveLength(43);
  expect(crossed.reduce((s, n) => s + n, 0)).toBe(14);
  // The driver's frames were copied, not transferred away: passed-through frames are intact.
  expect(frames.every((f) => f.pixels.byteLength === 48 * 32 * 3)).toBe(true);
});

it("serves recursive midpoints and an identical pair through the slots", async () => {
  const plan = planMidpoints({ frames: 4, fps: 6, timesToInterpolate: 2 });
  const { infer } = worker();
  const four = frames.slice(0, 4);
  expect(await pixels(interpolateFrames(four, plan, infer))).toEqual(
    await pixels(interpolateFrames(four, plan, film.interpolate)),
  );
  const same = frames[3]!;
  expect((await infer(same, same, 0.5)).pixels).toEqual(same.pixels);
  expect(() => slotRunner(film)({ a: { slot: 0 }, b: { slot: 1 }, t: 0.5 })).toThrow(
    "frame slot 0 is empty: the worker lost the pair (restarted?)",
  );
});
