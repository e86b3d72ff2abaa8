/**
 * @module V8's own collector, for the code that frees large dead buffers at known points (release-outputs.ts) and
 * for the benchmarks: `--expose-gc` is set for this process on first use and `gc` read from a fresh context (the
 * flag changes nothing else).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** `gc()` of `--expose-gc`: a full collection, or a young-generation one with `{ type: "minor" }`. */
export type Collect = (options?: { type: "major" | "minor" }) => void;

let collect: Collect | undefined;

/**
 * V8's collector (made once per thread).
 *
 * @example
 * collector()(); // a full collection
 * collector()({ type: "minor" }); // a scavenge
 */
export function collector(): Collect {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as Collect;
  }
  return collect;
}
