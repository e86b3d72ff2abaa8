/**
 * @module The typed errors of frame interpolation: bad requests (too few frames, a target rate below the source's,
 * frames of different sizes, more output frames than the budget, a `t` outside (0, 1), frames too large for a
 * fixed-size model) and a stream that does not match its plan. Worker-side code throws these; the HTTP half maps
 * them to statuses in one place, so this module knows nothing of HTTP.
 */

/** What went wrong; the HTTP half maps each to a status. */
export type FrameInterpolationErrorCode =
  /** Fewer than two source frames. */
  | "too-few-frames"
  /** A target frame rate below the source's. */
  | "fps-below-source"
  /** A frame rate, multiplier or recursion depth that is not a usable number. */
  | "bad-rate"
  /** A source frame rate outside `MIN_FPS`..`MAX_FPS` (facts: `fps`, `min`, `max`). */
  | "source-rate-out-of-range"
  /**
   * An output rate over `MAX_FPS`, however it was asked for (facts: `fps` the source's, `outputFps`, `max`, and the
   * `targetFps`, `multiplier` or `timesToInterpolate` that made it).
   */
  | "output-rate-too-high"
  /** More output frames than the job's budget. */
  | "frame-budget"
  /** Source frames of different sizes (or pixels that do not fill their size). */
  | "frame-size-mismatch"
  /** Frames larger than a fixed-size model takes. */
  | "frame-too-large"
  /** An interpolation time outside (0, 1). */
  | "bad-time"
  /** The source stream had more or fewer frames than the plan was made for. */
  | "frame-count-mismatch";

/**
 * A frame interpolation request that cannot be served, with a message that says what was wrong and what is allowed.
 * @example
 * try { planFrameTimes({ frames: 1, fps: 7, targetFps: 24 }) }
 * catch (err) { if (err instanceof FrameInterpolationError && err.code === "too-few-frames") … }
 */
export class FrameInterpolationError extends Error {
  override readonly name = "FrameInterpolationError";
  readonly code: FrameInterpolationErrorCode;
  /** Numbers behind the message (e.g. `{ frames: 48, budget: 40 }`), for callers that word their own. */
  readonly facts: Record<string, number>;

  constructor(code: FrameInterpolationErrorCode, message: string, facts: Record<string, number> = {}) {
    super(message);
    this.code = code;
    this.facts = facts;
  }
}
