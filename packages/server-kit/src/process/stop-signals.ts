/**
 * @module The graceful stop of every binary on SIGINT, SIGTERM and SIGHUP. SIGHUP too: a closed terminal or ssh
 * session sends it, and Node's default for it is to exit at once, dropping the work in flight. The signals are
 * listened for from the start, so one that comes while the server starts (even right after its `listening` line) is
 * a graceful stop too, never the default action's instant end: it is remembered until the stop is armed with
 * {@link SignalStop.arm}. One stop per process: later signals do not begin another, nor cut it short (unless
 * `repeat` says the same signal again ends the process).
 */
import type { Logger } from "../log/logger.js";

/** The signals that stop a server gracefully. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * The graceful stop. Resolves once the work is done, and the process exits 0; or with `"by-signal"`, and the process
 * ends by the signal's default action (status 128 + its number: 143 for SIGTERM), which, unlike `exit`, does not
 * wait for a worker thread stuck in native code. A rejection exits 1.
 */
export type GracefulStop = (signal: StopSignal) => Promise<void> | Promise<"by-signal" | undefined>;

/** How a binary stops on a signal. */
export interface StopOnSignalsOptions {
  /** Where the stop's lines go: `info` when it begins, `error` when it fails or overruns `backstopMs`. */
  log: Pick<Logger, "info" | "error">;
  /** The message of the line the stop begins with, which has the `signal` (default `stopping`). */
  stoppingMessage?: string;
  /** The message of the line of a stop that failed, with its `error`, before the exit 1 (default `stop failed`). */
  failedMessage?: string;
  /** More fields for the line the stop begins with, read then (the runner's queue depth). */
  fields?: () => Record<string, unknown>;
  /**
   * Exit 1 this long after the first signal, whatever the stop is doing, with the line `could not stop in time;
   * exiting anyway` (`waited_s`). None by default: the stop bounds itself.
   */
  backstopMs?: number;
  /**
   * `ignore` (default): every later signal is ignored. `default-action`: the same signal again ends the process at
   * once (its default action), the others are ignored — a second Ctrl-C for a stop that waits on a running job.
   */
  repeat?: "ignore" | "default-action";
}

/** The signal listeners of one process, as {@link stopOnSignals} installed them. */
export interface SignalStop {
  /**
   * Gives the stop, once there is something to stop: a signal that came before runs it now, later ones at once.
   * Call it once.
   */
  arm(stop: GracefulStop): void;
  /** The signal that began the stop, or undefined while none came. */
  readonly signal: StopSignal | undefined;
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP now, and stops gracefully on the first once armed: logs the stopping line,
 * runs the stop, then exits 0 (or by the signal, or 1 with the failed line).
 * @example
 * const signals = stopOnSignals({ log, backstopMs: (grace + 10) * 1000 });
 * await server.start();
 * signals.arm(() => server.stop());
 */
export function stopOnSignals(options: StopOnSignalsOptions): SignalStop {
  const { log } = options;
  let received: StopSignal | undefined;
  let stop: GracefulStop | undefined;
  let begun = false;
  const begin = () => {
    if (begun || !stop || !received) return;
    begun = true;
    const signal = received;
    log.info(options.stoppingMessage ?? "stopping", { signal, ...options.fields?.() });
    stop(signal).then(
      (ending) => (ending === "by-signal" ? endBySignal(signal) : process.exit(0)),
      (err: Error) => {
        log.error(options.failedMessage ?? "stop failed", { error: err?.message ?? String(err) });
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: StopSignal) => {
    if (received) return;
    received = signal;
    // Only the signal that began the stop ends the process when sent again; the others stay ignored.
    if (options.repeat === "default-action") process.off(signal, listeners[signal]);
    if (options.backstopMs !== undefined) backstop(log, options.backstopMs);
    begin();
  };
  const listeners = Object.fromEntries(STOP_SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<
    StopSignal,
    () => void
  >;
  for (const s of STOP_SIGNALS) process.on(s, listeners[s]);
  return {
    arm(given) {
      stop = given;
      begin();
    },
    get signal() {
      return received;
    },
  };
}

/** Exit 1 after `ms`, whatever is still running (the timer keeps nothing alive). */
function backstop(log: Pick<Logger, "error">, ms: number): void {
  setTimeout(() => {
    log.error("could not stop in time; exiting anyway", { waited_s: ms / 1000 });
    process.exit(1);
  }, ms).unref();
}

/** Ends the process by `signal`'s default action: no listener is left for it, and it is sent again. */
function endBySignal(signal: StopSignal): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
