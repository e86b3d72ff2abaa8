/**
 * @module The default log sink: JSON lines to stdout, written together. A write to stdout is a system call per
 * line (stdout is synchronous for pipes and files), and the `job done` line of every job made it one of the
 * gateway's larger costs per job in the CPU profile; lines are now gathered and written at most every
 * {@link FLUSH_MS} ms (at once past {@link FLUSH_BYTES}), and whatever is left when the process exits (a stop, an
 * uncaught error) is written synchronously then.
 */
import { writeSync } from "node:fs";

/** Longest a line waits before it is written, ms. */
export const FLUSH_MS = 50;
/** Gathered lines past this many characters are written at once. */
const FLUSH_BYTES = 64 * 1024;

let pending: string[] = [];
let size = 0;
let timer: NodeJS.Timeout | undefined;
let hooked = false;

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (pending.length === 0) return;
  const text = pending.join("");
  pending = [];
  size = 0;
  process.stdout.write(text);
}

/**
 * Writes one log line to stdout, with the lines of the next {@link FLUSH_MS} ms, in one write. One buffer for the
 * whole process, so several gateways in one process keep their lines in order.
 * @example jsonLogger({ write: stdoutLine }).info("listening", { port: 8937 })
 */
export function stdoutLine(line: string): void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      if (pending.length > 0) writeSync(1, pending.join(""));
      pending = [];
    });
  }
  pending.push(`${line}\n`);
  size += line.length + 1;
  if (size >= FLUSH_BYTES) flush();
  else timer ??= setTimeout(flush, FLUSH_MS).unref();
}
