/**
 * @module The limits every request of `models fetch` runs under — the listing and each file, headers and body: a
 * server that answers nothing for `stallMs`, or whose body sends no byte for `stallMs`, is cut; so is a body that
 * averages less than `minSpeed` bytes a second over a window of `speedWindowMs` (curl's `--speed-limit` and
 * `--speed-time`), since a server dripping one byte every few seconds never stalls yet never ends.
 */
import { formatBytes } from "./progress.js";

/** When a transfer is given up. */
export interface TransferLimits {
  /** No answer, or no byte of the body, for this long. */
  stallMs: number;
  /** Bytes a second a body must average over each `speedWindowMs`; 0 turns the rule off. */
  minSpeed: number;
  speedWindowMs: number;
}

/** 60 s without an answer or a byte; less than 10 kB/s over 60 s. */
export const DEFAULT_LIMITS: TransferLimits = { stallMs: 60_000, minSpeed: 10_000, speedWindowMs: 60_000 };

/**
 * A duration for messages.
 *
 * @example seconds(300); // "0.3 s"
 */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toPrecision(2))} s`;
}

/** A rate for messages: `bytes` over `ms`. */
function rate(bytes: number, ms: number): string {
  const perSecond = bytes / (ms / 1000);
  return perSecond >= 1000 ? `${formatBytes(perSecond)}/s` : `${Number(perSecond.toPrecision(2))} B/s`;
}

/**
 * Watches one request: `signal` goes to `fetch`, `answered()` when the headers are in, `got(n)` per chunk of the
 * body, `stop()` when done. On a breach it aborts the signal and keeps the reason in `reason`, which says what
 * happened ("no answer within 60 s", "no data for 60 s", "too slow: 0.05 B/s over 60 s (the floor is 10.0 kB/s)").
 *
 * @example
 * const dog = new Watchdog(DEFAULT_LIMITS);
 * const res = await fetch(url, { signal: dog.signal });
 * dog.answered();
 */
export class Watchdog {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  /** Why the request was cut, once it was: "no answer within 60 s", "no data for 60 s", "too slow: …". */
  reason: string | undefined;
  private stall: NodeJS.Timeout | undefined;
  private window: NodeJS.Timeout | undefined;
  private windowBytes = 0;

  constructor(private readonly limits: TransferLimits) {
    this.stall = setTimeout(() => this.cut(`no answer within ${seconds(limits.stallMs)}`), limits.stallMs);
  }

  /** The headers are in: from now on the body is watched. */
  answered(): void {
    this.restartStall();
    const { minSpeed, speedWindowMs } = this.limits;
    if (minSpeed <= 0 || this.window) return;
    this.window = setInterval(() => {
      if (this.windowBytes < (minSpeed * speedWindowMs) / 1000) {
        this.cut(
          `too slow: ${rate(this.windowBytes, speedWindowMs)} over ${seconds(speedWindowMs)} (the floor is ${rate(minSpeed, 1000)})`,
        );
      }
      this.windowBytes = 0;
    }, speedWindowMs);
  }

  /** `n` bytes of the body arrived. */
  got(n: number): void {
    this.windowBytes += n;
    this.restartStall();
  }

  /** The request is over; no timer is left. */
  stop(): void {
    clearTimeout(this.stall);
    clearInterval(this.window);
  }

  private restartStall(): void {
    clearTimeout(this.stall);
    if (this.reason) return;
    this.stall = setTimeout(() => this.cut(`no data for ${seconds(this.limits.stallMs)}`), this.limits.stallMs);
  }

  private cut(reason: string): void {
    if (this.reason) return;
    this.reason = reason;
    this.stop();
    this.controller.abort(new Error(reason));
  }
}

/**
 * Reads a response body through `dog`, at most `max` bytes (more is refused with `tooLarge`).
 *
 * @example const text = new TextDecoder().decode(await readBody(res, dog, 64 << 20, () => new Error("too large")));
 */
export async function readBody(res: Response, dog: Watchdog, max: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      dog.got(r.value.byteLength);
      size += r.value.byteLength;
      if (size > max) throw tooLarge();
      chunks.push(r.value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
  return Buffer.concat(chunks, size);
}
