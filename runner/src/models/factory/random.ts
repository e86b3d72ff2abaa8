/** @module Deterministic pseudo-random weights for tiny test models (mulberry32: same seed, same bytes, everywhere). */

/**
 * A seeded generator of floats in [-1, 1).
 * @example const next = seededUniform(42); next() // always the same first value
 */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/**
 * `count` seeded floats scaled by `scale`.
 * @example seededWeights(7, 9, 0.1).length // 9
 */
export function seededWeights(seed: number, count: number, scale: number): Float32Array {
  const next = seededUniform(seed);
  return Float32Array.from({ length: count }, () => next() * scale);
}
