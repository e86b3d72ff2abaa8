/**
 * @module A debugging timeline of the requests through a runner process: with `AVS_TIMELINE=<file>` in its
 * environment, each thread appends one `<thread> <milestone> <ns>` line per milestone to the file (`ns`: the
 * monotonic clock, `process.hrtime.bigint()`, the same in every process of the machine), and the worker wraps
 * `session.run` to mark its start and end. Every mark is a synchronous write (~10–20 µs), so a traced request is
 * slower than an untraced one: the tool shows where the time goes, not how long a request takes. Read by
 * `avs-runner bench --pipeline image-to-video --timeline`. Without the variable a mark is one branch.
 */
import { openSync, writeSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

/** The environment variable naming the timeline file. */
export const TIMELINE_ENV = "AVS_TIMELINE";

const file = process.env[TIMELINE_ENV];
const fd = file ? openSync(file, "a") : -1;
const thread = isMainThread ? "http" : "worker";

/** True when this process writes a timeline. */
export const timelineOn = fd >= 0;

/**
 * Appends milestone `name` of this thread to the timeline file, when there is one.
 * @example mark("job-posted");
 */
export function mark(name: string): void {
  if (fd >= 0) writeSync(fd, `${thread} ${name} ${process.hrtime.bigint()}\n`);
}
