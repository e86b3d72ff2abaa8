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
  const source = frames.map((f) => ({ ...f, pixels: f.pixels.slice() }));
  const viaSlots = await pixels(interpolateFrames(source, plan, infer));
  expect(viaSlots).toEqual(await pixels(interpolateFrames(frames, plan, film.interpolate)));
  expect(crossed).toHaveLength(43);
  expect(crossed.reduce((s, n) => s + n, 0)).toBe(14);
  // Source frames 0, 7 and 13 (output frames 0, 24 and the held 45–47) were copied to the worker and written out
  // intact; the eleven the plan never passes through were transferred themselves, not copied.
  const kept = source.flatMap((f, i) => (f.pixels.byteLength > 0 ? [i] : []));
  expect(kept).toEqual([0, 7, 13]);
  expect(viaSlots[0]).toEqual(frames[0]!.pixels);
  expect(viaSlots[24]).toEqual(frames[7]!.pixels);
  expect(viaSlots[47]).toEqual(frames[13]!.pixels);
});

it("copies every frame an InferFrame call does not mark spare, and takes only whole buffers", async () => {
  const { infer } = worker();
  const [a, b] = [testFrame(48, 32, 1), testFrame(48, 32, 2)];
  await infer(a, b, 0.5);
  expect([a.pixels.byteLength, b.pixels.byteLength]).toEqual([4608, 4608]);
  const [c, d] = [testFrame(48, 32, 3), testFrame(48, 32, 4)];
  const expected = await film.interpolate(testFrame(48, 32, 3), testFrame(48, 32, 4), 0.25);
  expect((await worker().infer(c, d, 0.25, { a: false, b: true })).pixels).toEqual(expected.pixels);
  expect([c.pixels.byteLength, d.pixels.byteLength]).toEqual([4608, 0]);
  // A view into a larger buffer is copied even when spare: transferring would take its neighbours too.
  const shared = new Uint8Array(4608 * 2);
  const e = { width: 48, height: 32, pixels: shared.subarray(0, 4608) };
  const f = { width: 48, height: 32, pixels: shared.subarray(4608) };
  await worker().infer(e, f, 0.5, { a: true, b: true });
  expect(shared.byteLength).toBe(4608 * 2);
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
