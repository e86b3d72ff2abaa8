/**
 * @module Freeing large dead session outputs between steps. onnxruntime-node returns every output in a new
 * ArrayBuffer, and V8 frees such buffers only at a full collection, which it starts once about 64 MB of them have piled
 * up since the last one. A 25-frame 1024×576 UNet step returns 7.4 MB (float32 [2,25,4,72,128] under guidance), so
 * without help several dead outputs sit in memory beside the live ones (measured on tiny/svd-xt with the threshold at
 * 8 MiB, which that output is just under: RSS climbing by 7 MB a step up to 38 MB above the request's start). After an
 * output of at least {@link LARGE_OUTPUT_BYTES} is dropped, a collection runs; requests with smaller outputs never
 * pay for it.
 *
 * An output dropped one step after it was made is still in V8's young generation, and a minor collection (a
 * scavenge, well under a millisecond) frees its buffer: {@link releaseYoungOutput}, once per denoising step. Arrays
 * that lived through the loop are old, and only a full collection frees them: {@link releaseDeadOutput}. A full
 * collection per step also threw away optimised code: it clears the weak references that optimised code holds, and
 * the guided Euler step's loop, optimised on stack, was deoptimised by every one of them and ran its next pass in
 * unoptimised code that boxes every intermediate number (≈ 300 MB of short-lived heap objects per 25-frame
 * 1024×576 request, which also grew the worker's young generation to its full size). Measured: runner/docs/
 * performance.md, round 9.
 */
import { collector } from "../../internal/gc.js";

/** Outputs at least this large are collected as soon as they are dead (4 MiB). */
export const LARGE_OUTPUT_BYTES = 4 * 1024 * 1024;

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
 * Runs a full garbage collection when the output just dropped had `bytes` bytes or more (for arrays that may have
 * lived long enough to be in V8's old generation).
 *
 * @example
 * releaseDeadOutput(sample.byteLength); // once the loop's large arrays are gone
 */
export function releaseDeadOutput(bytes: number): void {
  if (bytes >= LARGE_OUTPUT_BYTES) collector()();
}

/**
 * Runs a minor garbage collection when the output just dropped had `bytes` bytes or more: for an output made since
 * the last such call (a denoising step's), which is still in V8's young generation. Cheaper than a full collection,
 * and it keeps optimised code (see the module's note).
 *
 * @example
 * releaseYoungOutput(previous.byteLength); // before the next step's session.run
 */
export function releaseYoungOutput(bytes: number): void {
  if (bytes >= LARGE_OUTPUT_BYTES) collector()({ type: "minor" });
}
