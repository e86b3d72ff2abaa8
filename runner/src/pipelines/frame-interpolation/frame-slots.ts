/**
 * @module Moving frame pairs to the inference worker once, not once per `t`. The worker keeps two frame slots; each
 * worker call names the slot of `a` and of `b` and carries only the frames the worker does not hold yet. The
 * driver gives the same frame objects for every `t` of a pair and a pair's `b` is the next pair's `a`, so with a
 * target fps each source frame crosses to the worker once. A frame the driver will read again (a source frame it
 * passes through to the encoder) is copied and the copy transferred; one it has marked spare is transferred itself
 * (SVD's 14 frames at 7 fps → 24 fps: 11 of the 14, a 1.77 MB copy each at 1024×576).
 */
import type { RgbImage } from "../../image/decode.js";
import type { FilmModel } from "./film-model.js";
import type { FrameSpare, InferFrame } from "./interpolate-stream.js";

/** A frame of a worker call: its slot, and the frame itself when the worker does not hold it yet. */
export interface FrameRef {
  slot: 0 | 1;
  frame?: RgbImage;
}

/** One worker call: the frame at `t` between the frames in two slots. */
export interface InterpolateFrameJob {
  a: FrameRef;
  b: FrameRef;
  t: number;
}

/**
 * The HTTP side: an {@link InferFrame} that sends each frame to the worker only when it is not in a slot already.
 * `call` posts the job (transferring `transfer`) and resolves with the worker's frame.
 * @example const infer = slotInfer((job, transfer) => ctx.run(job, { transfer })); interpolateFrames(src, plan, infer)
 */
export function slotInfer(call: (job: InterpolateFrameJob, transfer: ArrayBuffer[]) => Promise<RgbImage>): InferFrame {
  const held: [RgbImage | undefined, RgbImage | undefined] = [undefined, undefined];
  return (a, b, t, spare?: FrameSpare) => {
    const transfer: ArrayBuffer[] = [];
    const ref = (frame: RgbImage, take: boolean, avoid?: 0 | 1): FrameRef => {
      const at = held.indexOf(frame);
      if (at === 0 || at === 1) return { slot: at };
      const slot: 0 | 1 = avoid === undefined ? (held[0] === b ? 1 : 0) : avoid === 0 ? 1 : 0;
      held[slot] = frame;
      const { pixels } = frame;
      const whole = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength;
      const sent = take && whole && pixels.buffer instanceof ArrayBuffer ? pixels : pixels.slice();
      transfer.push(sent.buffer as ArrayBuffer);
      return { slot, frame: { width: frame.width, height: frame.height, pixels: sent } };
    };
    const refA = ref(a, spare?.a === true);
    const refB = ref(b, spare?.b === true && b !== a, refA.slot);
    return call({ a: refA, b: refB, t }, transfer);
  };
}

/**
 * The worker side: runs worker calls of {@link slotInfer} on a FILM model, keeping the slots' frames between calls
 * (the same frame objects, so the model reuses a pair's prepared inputs).
 * @example const run = slotRunner(film); const frame = await run(job)
 */
export function slotRunner(film: Pick<FilmModel, "interpolate">): (job: InterpolateFrameJob) => Promise<RgbImage> {
  const slots: [RgbImage | undefined, RgbImage | undefined] = [undefined, undefined];
  const take = (ref: FrameRef) => {
    if (ref.frame) slots[ref.slot] = ref.frame;
    const frame = slots[ref.slot];
    if (!frame) throw new Error(`frame slot ${ref.slot} is empty: the worker lost the pair (restarted?)`);
    return frame;
  };
  return (job) => {
    const a = take(job.a);
    return film.interpolate(a, take(job.b), job.t);
  };
}
