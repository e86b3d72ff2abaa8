/**
 * @module The backoff of runners that keep failing (at start, or soon after they became ready): each failure in a
 * row doubles the wait before the next start, from 1 s up to 30 s, and a run that stayed up {@link STABLE_MS}
 * starts a new series. Warm runners are restarted by a timer once their wait is over; cold ones wait for a job.
 */
import type { ManagedRunner } from "./managed-runner.js";

/** A runner that stays ready this long has recovered: its next failure starts a new backoff series. */
const STABLE_MS = 60_000;

/** The failures in a row of one runner. */
export interface Failure {
  count: number;
  /** Ms since epoch before which it is not started again. */
  notBefore: number;
  /** The last failure, for the 503 a job gets meanwhile. */
  reason: string;
}

/**
 * Failures in a row per runner, and the restart timers of warm runners waiting them out.
 * @example const backoff = new RunnerBackoff(); backoff.scheduleRestart(runner, "exited with code 1");
 */
export class RunnerBackoff {
  /** Runners failing in a row: how many failures, why the last, and when the next start may be tried. */
  readonly #failures = new Map<ManagedRunner, Failure>();
  /** Warm runners waiting for their restart timer. */
  readonly #restarts = new Map<ManagedRunner, NodeJS.Timeout>();
  #closed = false;

  /** The failures in a row of `runner`, if it has failed. */
  failure(runner: ManagedRunner): Failure | undefined {
    return this.#failures.get(runner);
  }

  /** True while `runner` is stopped and waiting out the backoff of its last failure. */
  waiting(runner: ManagedRunner, now: number): boolean {
    return runner.state === "stopped" && (this.#failures.get(runner)?.notBefore ?? 0) > now;
  }

  /** True while a warm runner's restart timer (or the start it made) is pending. */
  restarting(runner: ManagedRunner): boolean {
    return this.#restarts.has(runner);
  }

  /**
   * Records a failure of `runner` (a failed start, or a death) and returns the milliseconds its next start waits: 0
   * after a run that stayed up {@link STABLE_MS} (a new series), else 1 s doubling per failure in a row up to 30 s —
   * a runner that dies soon after becoming ready (a model that crashes it on every job) keeps failing too.
   */
  failed(runner: ManagedRunner, reason: string): number {
    const now = Date.now();
    const stable = runner.readySince !== undefined && now - runner.readySince >= STABLE_MS;
    const count = stable ? 0 : (this.#failures.get(runner)?.count ?? 0) + 1;
    const delay = count === 0 ? 0 : Math.min(30_000, 1000 * 2 ** (count - 1));
    this.#failures.set(runner, { count, notBefore: now + delay, reason });
    return delay;
  }

  /** Restarts a warm runner once the backoff of its failure is over (see {@link RunnerBackoff.failed}). */
  scheduleRestart(runner: ManagedRunner, reason: string): void {
    if (this.#closed) return;
    const delay = this.failed(runner, reason);
    clearTimeout(this.#restarts.get(runner));
    const timer = setTimeout(() => {
      const done = () => {
        if (this.#restarts.get(runner) === timer) this.#restarts.delete(runner);
      };
      if (this.#closed || runner.state !== "stopped") return done();
      // Listed until its start settles: a failed start is "stopped" while it stops its process, and the watchdog or
      // a job must not take it then for a runner left without a restart and count its failure a second time.
      runner.start().then(done, (err: unknown) => {
        done();
        this.scheduleRestart(runner, reasonOf(err));
      });
    }, delay);
    timer.unref();
    this.#restarts.set(runner, timer);
  }

  /** Cancels every pending restart; no restart is scheduled after. */
  close(): void {
    this.#closed = true;
    for (const t of this.#restarts.values()) clearTimeout(t);
    this.#restarts.clear();
  }
}

/**
 * The first line of a failure (a runner that exited before listening adds its last output below it).
 * @example reasonOf(new Error("exited with code 1; last output:\n…")) // "exited with code 1"
 */
export function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/; last output:$/, "");
}
