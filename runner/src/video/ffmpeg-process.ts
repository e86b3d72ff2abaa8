/**
 * @module ffmpeg and ffprobe child processes that cannot be left behind: every child is tracked from spawn to exit,
 * killed (SIGKILL: it must stop now, not flush) when its `AbortSignal` fires, when its owner gives up on it and
 * when this process exits; the tail of its stderr is kept for error messages.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** How much of a child's stderr is kept: enough for ffmpeg's last complaint, never the whole log. */
const STDERR_TAIL = 4000;

/** Every child started here and not yet exited. */
const live = new Set<ChildProcess>();

/**
 * Kills a child now and closes our ends of its pipes: a pipe nobody reads would otherwise keep its `close`
 * event (which waits for stdio to end) from ever firing.
 */
function terminate(proc: ChildProcess) {
  proc.kill("SIGKILL");
  proc.stdout?.destroy();
  proc.stdin?.destroy();
}

let exitHookInstalled = false;

/** A process that exits (even on an uncaught error) takes its ffmpeg children with it. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) terminate(child);
  });
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running ffmpeg/ffprobe. */
export interface FfmpegChild {
  readonly process: ChildProcess;
  /** Settles once the process has exited (never rejects; a spawn failure reads as code `null`). */
  readonly exited: Promise<ChildExit>;
  /** True until the process has exited. */
  readonly running: boolean;
  /** The spawn error (e.g. ENOENT), if the binary could not be started. */
  readonly spawnError: Error | undefined;
  /** The last few kB of its stderr in whole lines, trimmed. */
  stderrTail(): string;
  /** Kills it with SIGKILL unless it has exited; resolves once it is gone. */
  kill(): Promise<ChildExit>;
}

/**
 * Starts `bin` with `args`. stdin and stdout are pipes or ignored as asked; stderr is always read (its tail is kept).
 * The child is killed when `signal` aborts.
 * @example const child = spawnFfmpeg("ffmpeg", ["-i", "in.mp4", "-f", "null", "-"], { signal }); await child.exited
 */
export function spawnFfmpeg(
  bin: string,
  args: string[],
  options: { stdin?: "pipe" | "ignore"; stdout?: "pipe" | "ignore"; signal?: AbortSignal } = {},
): FfmpegChild {
  installExitHook();
  const proc = spawn(bin, args, { stdio: [options.stdin ?? "ignore", options.stdout ?? "ignore", "pipe"] });
  let tail = "";
  let cut = false;
  let running = true;
  let spawnError: Error | undefined;
  live.add(proc);
  proc.stderr?.setEncoding("utf8");
  proc.stderr?.on("data", (d: string) => {
    const all = tail + d;
    cut ||= all.length > STDERR_TAIL;
    tail = all.slice(-STDERR_TAIL);
  });
  // Errors on the pipes (EPIPE after the child died) are reported through the exit status, not as crashes.
  proc.stdin?.on("error", () => {});
  proc.stdout?.on("error", () => {});
  const onAbort = () => terminate(proc);
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once("error", (err) => {
      spawnError = err;
      if (proc.pid === undefined) {
        running = false;
        live.delete(proc);
        resolve({ code: null, signal: null });
      }
    });
    proc.once("close", (code, sig) => {
      running = false;
      live.delete(proc);
      resolve({ code, signal: sig });
    });
  });
  if (options.signal?.aborted) terminate(proc);
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  void exited.then(() => options.signal?.removeEventListener("abort", onAbort));
  return {
    process: proc,
    exited,
    get running() {
      return running;
    },
    get spawnError() {
      return spawnError;
    },
    // A tail that was cut starts inside a line: that fragment is dropped, so every line in it is whole.
    stderrTail: () => (cut ? tail.slice(tail.indexOf("\n") + 1) : tail).trim(),
    kill() {
      if (running) terminate(proc);
      return exited;
    },
  };
}

/** The output of a child that ran to the end. */
export interface CapturedRun extends ChildExit {
  stdout: string;
  /** The same output as bytes (for binary output such as raw frames). */
  stdoutBytes: Buffer;
  stderr: string;
  spawnError: Error | undefined;
}

/**
 * Runs `bin` to completion and returns its stdout (as text and bytes) and stderr tail. Killed after `timeoutMs` or
 * when `signal` aborts (then `signal` is `SIGKILL`); stdout beyond `maxStdout` bytes kills it too (a runaway).
 * @example const { code, stdout } = await captureFfmpeg("ffprobe", ["-of", "json", "-show_format", "in.mp4"])
 */
export async function captureFfmpeg(
  bin: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs?: number; maxStdout?: number } = {},
): Promise<CapturedRun> {
  const child = spawnFfmpeg(bin, args, { stdout: "pipe", ...(options.signal ? { signal: options.signal } : {}) });
  const chunks: Buffer[] = [];
  let size = 0;
  const max = options.maxStdout ?? 64 * 1024 * 1024;
  child.process.stdout?.on("data", (d: Buffer) => {
    size += d.length;
    if (size > max) void child.kill();
    else chunks.push(d);
  });
  const timer = setTimeout(() => void child.kill(), options.timeoutMs ?? 60_000);
  const exit = await child.exited;
  clearTimeout(timer);
  const stdoutBytes = Buffer.concat(chunks);
  return {
    ...exit,
    stdout: stdoutBytes.toString("utf8"),
    stdoutBytes,
    stderr: child.stderrTail(),
    spawnError: child.spawnError,
  };
}

/**
 * How many ffmpeg/ffprobe children started here are still running.
 * @example runningFfmpegCount() // 0 once every job has ended
 */
export function runningFfmpegCount(): number {
  return live.size;
}

/**
 * Kills every ffmpeg/ffprobe child started here (for shutdown) and waits until they are gone.
 * @example await killAllFfmpeg() // → the number of children that were still running
 */
export async function killAllFfmpeg(): Promise<number> {
  const children = [...live];
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("close", () => resolve());
          terminate(c);
        }),
    ),
  );
  return children.length;
}
