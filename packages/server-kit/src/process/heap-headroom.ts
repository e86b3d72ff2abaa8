/**
 * @module Old-generation headroom for a hop whose memory traffic is mostly Buffers. V8 counts the bytes of
 * ArrayBuffers allocated since the last full GC against the old generation's allocation limit, and after each full
 * GC sets that limit only a little above the live JS heap (its default growing factor gave a hop of ≈ 12 MB some
 * 9 MB of headroom). Every socket chunk of a request body is an ArrayBuffer of its own, and a hop that forwards a
 * 1 MB upload allocates few JS objects per byte, so the scavenges that would free the dead chunks are rare: the
 * limit was crossed every few jobs, and each time V8 ran a full mark-compact of the whole heap that found the same
 * 12 MB alive (`--trace-incremental-marking`: "Start (allocation limit)" and "Start (task)"; 26 mark-compacts per
 * orchestrator bench run against 0 for the pass-through proxy, whose limit was still V8's initial one). A larger
 * growing factor gives the Buffers room between full GCs; V8's own external-memory trigger (64 MB of ArrayBuffers
 * kept since the last full GC) and its heap limit are unchanged.
 */
import { setFlagsFromString } from "node:v8";

/** The heap growing percent a hop runs with unless its command line sets one (V8's factor is then 1 + p/100). */
export const HOP_HEAP_GROWING_PERCENT = 300;

/**
 * The V8 flag {@link widenHeapHeadroom} would set for a process started with `execArgv`, or undefined when the
 * command line already says how the heap grows (`node --heap-growing-percent=N`), which is then kept.
 * @example heapHeadroomFlag(["--heap-growing-percent=100"]) // undefined
 */
export function heapHeadroomFlag(execArgv: readonly string[], percent = HOP_HEAP_GROWING_PERCENT): string | undefined {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a))) return undefined;
  if (!Number.isInteger(percent) || percent <= 0)
    throw new RangeError(`heap growing percent must be a positive integer, got ${percent}`);
  return `--heap-growing-percent=${percent}`;
}

/**
 * Lets the old generation grow to `1 + percent/100` times the live heap between full GCs (call it once, at the start
 * of a hop's command); returns the flag it set, or undefined when the command line set its own.
 * @example widenHeapHeadroom(); // "--heap-growing-percent=300"
 */
export function widenHeapHeadroom(percent = HOP_HEAP_GROWING_PERCENT): string | undefined {
  const flag = heapHeadroomFlag(process.execArgv, percent);
  if (flag) setFlagsFromString(flag);
  return flag;
}
