/**
 * @module Freeing large dead session outputs between steps. onnxruntime-node returns every output in a new
 * ArrayBuffer, and V8 frees such buffers only at a full collection, which it starts once about 64 MB of them have piled
 * up since the last one. A 25-frame 1024×576 UNet step returns 7.4 MB (float32 [2,25,4,72,128] under guidance), so
 * without help several dead outputs sit in memory beside the live ones (measured on tiny/svd-xt with the threshold at
 * 8 MiB, which that output is just under: RSS climbing by 7 MB a step up to 38 MB above the request's start). After an
 * output of at least {@link LARGE_OUTPUT_BYTES} is dropped, a full collection runs: a few milliseconds, against
 * seconds for a real UNet step of that size; requests with smaller outputs never pay for it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Outputs at least this large are collected as soon as they are dead (4 MiB). */
export const LARGE_OUTPUT_BYTES = 4 * 1024 * 1024;

let collect: (() => void) | undefined;

/**
 * Whether arrays of `bytes` bytes go back to their pool after a request. Larger ones (a 25-frame 1024×576 UNet
 * `sample`, 14.7 MB; the VAE encoder's input, 7 MB) are let go instead and collected before the temporal decoder runs,
 * so the decoder's working set reuses their memory rather than adding to it: the first request of a large size then
 * peaks lower, and the runner does not keep them between requests. Allocating them again costs about a millisecond per
 * request, against seconds for a real model's steps of that size.
 *
 * @example
 * if (pooled(buffers.sample.values.byteLength)) pool.give(session, key, buffers);
 */
export function pooled(bytes: number): boolean {
  return bytes < LARGE_OUTPUT_BYTES;
}

/**
 * Runs a full garbage collection when the output just dropped had `bytes` bytes or more.
 *
 * @example
 * releaseDeadOutput(previous.byteLength); // before the next step's session.run
 */
export function releaseDeadOutput(bytes: number): void {
  if (bytes < LARGE_OUTPUT_BYTES) return;
  if (!collect) {
    // V8's own collector, exposed to a fresh context (the flag changes nothing else).
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
