/**
 * @module For tests of what outlives a young-generation collection: run `make` (which allocates and drops what it
 * makes), then two minor collections, and say how many ArrayBuffer bytes it made and how many are still held.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
/** V8's `gc()`: a full collection, or `{ type: "minor" }` for a young-generation one. */
export const gc = runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;

/**
 * ArrayBuffer bytes `make` allocated (measured right after it) and still held after two minor collections.
 * @example const { made, kept } = await keptAfterYoungGc(() => { lazyFileField({}, "image", part()); });
 */
export async function keptAfterYoungGc(make: () => void): Promise<{ made: number; kept: number }> {
  const held = () => process.memoryUsage().arrayBuffers;
  gc({ type: "major" });
  const before = held();
  make();
  const made = held() - before;
  // Out of the current job, so nothing of `make` is on the stack or in a microtask.
  await new Promise((resolve) => setImmediate(resolve));
  gc({ type: "minor" });
  gc({ type: "minor" });
  // V8 frees the backing stores of dead ArrayBuffers on a background thread after the collection; on a loaded
  // machine that can lag the count read here. A kept buffer is never freed, so the lowest count within a short
  // settling time is what the collection kept.
  let kept = held() - before;
  for (let waited = 0; waited < 500 && kept > 64 * 1024; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    kept = Math.min(kept, held() - before);
  }
  return { made, kept };
}
