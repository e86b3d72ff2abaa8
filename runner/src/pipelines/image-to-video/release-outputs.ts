/**
 * @module Freeing large dead session outputs between steps. onnxruntime-node returns every output in a new
 * ArrayBuffer, and V8 frees such buffers only once a collection finds them dead; left to V8, a full collection comes
 * once about 64 MB of them have piled up. A 25-frame 1024×576 UNet step returns 7.4 MB (float32 [2,25,4,72,128] under
 * guidance), so without help several dead outputs sit in memory beside the live ones.
 *
 * A buffer this code made and will not read again is freed outright, with no collection: {@link freeNow} moves it
 * into a message on a channel that is closed at once, and the message's memory goes with the channel. The denoising
 * loop frees each step's output that way. Until round 10 (runner/docs/performance.md) each step asked V8 for a minor
 * collection instead: it freed the output only while the output was still in the young generation, and a runner
 * process's first request piled up one or two outputs at a time (7 MB each) between the full collections V8 started
 * on its own. Arrays whose views may still be held elsewhere (an in-process sink's frames, the loop's arrays before
 * the decoder) and the HTTP side's batches of frames keep a full collection, {@link releaseDeadOutput}: there it also
 * frees the encoded PNGs and answer chunks of the batch before (freeing only the frames measured a higher peak, ~2 MB
 * more per chunk). Requests with smaller outputs pay for neither. A full collection per step also threw away
 * optimised code (round 9): it clears the weak references that optimised code holds, and the guided Euler step's loop
 * was deoptimised by every one of them.
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
 * Frees `buffers` now, without a garbage collection, when together they hold at least `minBytes` (by default
 * {@link LARGE_OUTPUT_BYTES}; smaller ones are left to the collector). They are transferred into a message on a new
 * `MessageChannel` whose ports are closed at once: every view of them is detached at the call (length 0), and their
 * memory is released when the channel closes, on this thread's next turn of the event loop (measured: ~40 µs a
 * call). For buffers that nothing will read again. A buffer Node does not detach (a `Buffer` from its shared pool,
 * memory a native addon made, such as sharp's output) stays as it is, left to the collector, and the others are still
 * freed; shared memory, which cannot be transferred, leaves them all to the collector.
 *
 * @example
 * freeNow([output.data.buffer]); // a UNet step's output, once the Euler step has read it
 */
export function freeNow(buffers: Iterable<ArrayBufferLike>, minBytes = LARGE_OUTPUT_BYTES): void {
  const unique = [...new Set(buffers)];
  let bytes = 0;
  for (const b of unique) bytes += b.byteLength;
  if (bytes < minBytes) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, unique as ArrayBuffer[]);
  } catch {
    // Not transferable: the collector frees them as before.
  } finally {
    port1.close();
    port2.close();
  }
}
