/**
 * @module The streaming driver: source frames in (an async iterable of 8-bit RGB frames, e.g. from the ffmpeg
 * decoder), output frames out in order, following a {@link FramePlan}. It holds only the two current source frames
 * (plus, for recursive midpoints, one frame per level), pulls the next source frame only when the plan needs it,
 * passes exact source frames through without inference, calls `infer(a, b, t)` for every other frame (in the
 * runner, a worker call), reports progress (`interpolate`, frame i of n) and checks abort between frames.
 */
import type { RgbImage } from "../../image/decode.js";
import { FrameInterpolationError } from "./errors.js";
import type { FramePlan, PlannedFrame } from "./frame-plan.js";

/**
 * Interpolates one frame at `t ∈ (0, 1)` between `a` and `b`. The driver passes the same two frame objects for
 * every `t` of a pair (and the pair's `b` becomes the next pair's `a`), so an implementation may keep per-pair work.
 * `spare` says which of the two the driver will never read the pixels of (it passes no copy of them on, and keeps
 * the object only to pass it again): an implementation may take those pixels (transfer them to a worker) instead
 * of copying them.
 */
export type InferFrame = (a: RgbImage, b: RgbImage, t: number, spare?: FrameSpare) => Promise<RgbImage>;

/** Which frames of an {@link InferFrame} call the driver will not read again. */
export interface FrameSpare {
  a: boolean;
  b: boolean;
}

/** The job control the driver uses (the runner's `JobControl` fits it). */
export interface FrameLoopControl {
  progress?(p: { stage: string; step: number; total: number }): void;
  readonly aborted?: boolean;
  /** Throws the runner's abort error when the job was cancelled; without it, an `aborted` flag throws {@link FrameLoopAbortedError}. */
  throwIfAborted?(): void;
}

/** Thrown between frames when the control says the job was aborted and has no `throwIfAborted` of its own. */
export class FrameLoopAbortedError extends Error {
  override readonly name = "FrameLoopAbortedError";
}

/** One output frame: its place in the plan and its pixels (a source frame's own object when passed through). */
export interface OutputFrame extends PlannedFrame {
  image: RgbImage;
}

/** Pulls source frames one by one, checking each against the first's size. */
class SourceWindow {
  readonly #it: AsyncIterator<RgbImage> | Iterator<RgbImage>;
  readonly #expected: number;
  /** Source frames pulled so far; `frames[i]` kept only while needed. */
  #pulled = 0;
  #frames = new Map<number, RgbImage>();
  #first?: { width: number; height: number };

  constructor(source: AsyncIterable<RgbImage> | Iterable<RgbImage>, expected: number) {
    this.#it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
    this.#expected = expected;
  }

  /** Source frame `i`, pulling up to it; frames before `keepFrom` are let go. */
  async get(i: number, keepFrom: number): Promise<RgbImage> {
    for (const k of this.#frames.keys()) if (k < keepFrom) this.#frames.delete(k);
    while (this.#pulled <= i) {
      const next = await this.#it.next();
      if (next.done) {
        throw new FrameInterpolationError(
          "frame-count-mismatch",
          `the source ended after ${this.#pulled} frames; ${this.#expected} were expected`,
          { frames: this.#pulled, expected: this.#expected },
        );
      }
      this.#check(next.value, this.#pulled);
      // A frame the plan skips (a variable-rate source's frame shown for less than an output frame) is let go at
      // once: a jump over many of them would otherwise hold them all until the next call.
      if (this.#pulled >= keepFrom) this.#frames.set(this.#pulled, next.value);
      this.#pulled++;
    }
    return this.#frames.get(i)!;
  }

  /** Fails when the source has frames beyond the expected count. */
  async finish(): Promise<void> {
    this.#frames.clear();
    const next = await this.#it.next();
    if (!next.done) {
      await this.#it.return?.();
      throw new FrameInterpolationError(
        "frame-count-mismatch",
        `the source has more than the ${this.#expected} frames expected`,
        { expected: this.#expected },
      );
    }
  }

  async close(): Promise<void> {
    await this.#it.return?.();
  }

  #check(f: RgbImage, index: number) {
    this.#first ??= { width: f.width, height: f.height };
    const { width, height } = this.#first;
    if (f.width !== width || f.height !== height || f.pixels.length !== f.width * f.height * 3) {
      throw new FrameInterpolationError(
        "frame-size-mismatch",
        `frame ${index} is ${f.width}×${f.height} px (${f.pixels.length} bytes); frame 0 is ${width}×${height} px: every frame must have the same size`,
        { index },
      );
    }
  }
}

/**
 * Yields the plan's output frames in order from the source frames.
 * @throws {FrameInterpolationError} `frame-size-mismatch` or `frame-count-mismatch` when the source does not match
 *   the plan; whatever `infer` throws; the control's abort error.
 * @example
 * const plan = planFrameTimes({ frames: 14, fps: 7, targetFps: 24 });
 * for await (const f of interpolateFrames(decoded, plan, (a, b, t) => film.interpolate(a, b, t), control))
 *   await encoder.write(f.image);
 */
export async function* interpolateFrames(
  source: AsyncIterable<RgbImage> | Iterable<RgbImage>,
  plan: FramePlan,
  infer: InferFrame,
  control: FrameLoopControl = {},
): AsyncGenerator<OutputFrame> {
  const window = new SourceWindow(source, plan.sourceFrames);
  const total = plan.frames.length;
  const inFlight = new Set<Promise<RgbImage>>();
  const check = () => {
    if (control.throwIfAborted) control.throwIfAborted();
    else if (control.aborted) throw new FrameLoopAbortedError("the job was aborted");
  };
  const emit = (planned: PlannedFrame, image: RgbImage): OutputFrame => {
    control.progress?.({ stage: "interpolate", step: planned.index + 1, total });
    return { ...planned, image };
  };
  try {
    if (plan.mode === "midpoints") {
      const per = 2 ** plan.timesToInterpolate!;
      for (let i = 0; i < plan.sourceFrames - 1; i++) {
        const a = await window.get(i, i);
        const b = await window.get(i + 1, i);
        check();
        yield emit(plan.frames[i * per]!, a);
        let j = i * per + 1;
        for await (const image of midpoints(a, b, plan.timesToInterpolate!, infer, check)) {
          yield emit(plan.frames[j++]!, image);
        }
      }
      yield emit(plan.frames[total - 1]!, await window.get(plan.sourceFrames - 1, plan.sourceFrames - 1));
    } else {
      // Frame k + 1 is asked for before frame k is awaited: a worker computes it while this thread hands frame k
      // on (to the encoder), so the worker does not sit idle for a round trip per frame. Calls go out in plan order.
      // Source frames the plan never passes through are only ever read by `infer`: it may take their pixels.
      const passed = new Set(plan.frames.filter((f) => f.t === 0).map((f) => f.source));
      const issue = async (planned: PlannedFrame): Promise<{ image: RgbImage | Promise<RgbImage> }> => {
        check();
        const a = await window.get(planned.source, planned.source);
        if (planned.t === 0) return { image: a };
        const b = await window.get(planned.source + 1, planned.source);
        const spare = { a: !passed.has(planned.source), b: !passed.has(planned.source + 1) };
        const image = infer(a, b, planned.t, spare);
        inFlight.add(image);
        const settled = () => inFlight.delete(image);
        image.then(settled, settled);
        return { image };
      };
      const frames = plan.frames;
      let next = frames.length > 0 ? await issue(frames[0]!) : undefined;
      for (let k = 0; k < frames.length; k++) {
        const current = next!;
        if (k + 1 < frames.length) next = await issue(frames[k + 1]!);
        yield emit(frames[k]!, await current.image);
      }
      // Frames after the last planned pair (held tail frames use the last source frame, already pulled).
      await window.get(plan.sourceFrames - 1, plan.sourceFrames - 1);
    }
    await window.finish();
  } finally {
    // A frame asked for ahead is waited for (its result dropped), so no worker call outlives the job.
    await Promise.allSettled(inFlight);
    await window.close();
  }
}

/**
 * FILM's recursive midpoints between `a` and `b` in time order (`_recursive_generator` of FILM's `eval/util.py`):
 * the middle frame, then each half split again with it, `levels` deep. Holds one frame per level.
 */
async function* midpoints(
  a: RgbImage,
  b: RgbImage,
  levels: number,
  infer: InferFrame,
  check: () => void,
): AsyncGenerator<RgbImage> {
  if (levels === 0) return;
  check();
  const mid = await infer(a, b, 0.5);
  yield* midpoints(a, mid, levels - 1, infer, check);
  yield mid;
  yield* midpoints(mid, b, levels - 1, infer, check);
}
