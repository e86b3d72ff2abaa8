/**
 * @module A full garbage collection on demand, for tests of what must survive one: V8's `gc`, exposed at run time so
 * the tests need no `--expose-gc` flag.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Runs a full garbage collection now.
 * @example collectGarbage(); // objects reachable only through WeakRefs are gone afterwards
 */
export function collectGarbage(): void {
  gc();
}
