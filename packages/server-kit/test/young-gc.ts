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
  // A minor collection that runs while V8's concurrent marker is at work keeps the young buffers the marker has
  // already reached, until that marking ends. Early in a test worker's life, its heap still growing, an attempt can
  // meet one (the second of 150 in a row did, in two runs of two). What the code under test holds is held on every
  // attempt, so the least of three is what the collection itself kept.
  let best = await attempt(make);
  for (let tries = 1; tries < 3 && best.kept > 64 * 1024; tries++) {
    const next = await attempt(make);
    if (next.kept < best.kept) best = next;
  }
  return best;
}

async function attempt(make: () => void): Promise<{ made: number; kept: number }> {
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
