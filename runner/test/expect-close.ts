/** @module A closeness assertion for float arrays, relative to the largest expected value (vitest). */
import { expect } from "vitest";

/**
 * Asserts max |actual − expected| ≤ rel × max |expected|.
 *
 * @example
 * expectClose(latents, referenceLatents(reference, j), 1e-5);
 */
export function expectClose(actual: Float32Array, expected: Float32Array, rel: number): void {
  expect(actual.length).toBe(expected.length);
  // A loop, not Math.max(...values): a large video's latents overflow the call stack as arguments.
  let scale = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst / scale, `worst difference ${worst} against a scale of ${scale}`).toBeLessThan(rel);
}
