/**
 * @module Reproducible Gaussian noise from an integer seed: SplitMix64 expands the seed into the state of a
 * xoshiro128** generator (Blackman & Vigna), whose 32-bit outputs feed the Box–Muller transform. Only integer
 * arithmetic and V8's deterministic `Math.log/cos/sin` are involved, so a seed gives the same floats on every machine
 * running the same runner version. (These are not the numbers PyTorch would draw for the same seed.)
 */

import type { NoiseSource } from "./scheduler.js";

/**
 * One SplitMix64 step on a 64-bit state held as two 32-bit halves (no BigInt: this runs once per image per request):
 * the next state and the output, each as [high, low].
 *
 * @example
 * splitMix64(0, 0); // { state: [0x9e3779b9, 0x7f4a7c15], out: [0xe220a839, 0x7b1dcdaf] }
 */
export function splitMix64(hi: number, lo: number): { state: [number, number]; out: [number, number] } {
  // state += 0x9e3779b97f4a7c15
  const sumLo = lo + 0x7f4a7c15;
  const stateLo = sumLo >>> 0;
  const stateHi = (hi + 0x9e3779b9 + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
  // z = (z ^ z >> 30) · 0xbf58476d1ce4e5b9; z = (z ^ z >> 27) · 0x94d049bb133111eb; z ^ z >> 31
  let [zHi, zLo] = mul64(
    stateHi ^ (stateHi >>> 30),
    (stateLo ^ ((stateLo >>> 30) | (stateHi << 2))) >>> 0,
    0xbf58476d,
    0x1ce4e5b9,
  );
  [zHi, zLo] = mul64(zHi ^ (zHi >>> 27), (zLo ^ ((zLo >>> 27) | (zHi << 5))) >>> 0, 0x94d049bb, 0x133111eb);
  return {
    state: [stateHi, stateLo],
    out: [(zHi ^ (zHi >>> 31)) >>> 0, (zLo ^ ((zLo >>> 31) | (zHi << 1))) >>> 0],
  };
}

/** The low 64 bits of a 64 × 64-bit product, from and to [high, low] halves. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): [number, number] {
  // aLo·bLo in 16-bit limbs (each partial product is exact in a double), then the cross terms into the high half.
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  return [(carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0, lo];
}

/** A seeded stream of standard-normal numbers. */
export class SeededNoise {
  // xoshiro128** state.
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  /** The second value of the last Box–Muller pair, when it has not been used yet. */
  #spare = 0;
  #hasSpare = false;

  /**
   * @param seed an integer 0 … 2^53−1 (the request's seed + image index).
   * @example
   * new SeededNoise(42).normal(4); // the same four floats every time
   */
  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed must be an integer 0 … 2^53−1, got ${seed}`);
    const first = splitMix64(Math.floor(seed / 4294967296), seed >>> 0);
    const second = splitMix64(first.state[0], first.state[1]);
    [this.#s1, this.#s0] = first.out;
    [this.#s3, this.#s2] = second.out;
  }

  /**
   * `count` standard-normal float32 values (Box–Muller; pairs are used in full, so draws are contiguous), written
   * into `out` from `offset` when given, else into a new array.
   *
   * @example
   * const eps = new SeededNoise(7).normal(4 * 64 * 64);
   */
  normal(count: number, out: Float32Array = new Float32Array(count), offset = 0): Float32Array {
    let i = offset;
    const end = offset + count;
    if (this.#hasSpare && i < end) {
      out[i++] = this.#spare;
      this.#hasSpare = false;
    }
    // In blocks of at most BLOCK_PAIRS pairs, so the scratch stays small for a video's millions of values: per block
    // the uniforms first, in one pass over the generator's state held in locals, then the transform.
    while (i < end) {
      const pairs = Math.min(Math.ceil((end - i) / 2), BLOCK_PAIRS);
      const u = uniforms(pairs * 2);
      let s0 = this.#s0;
      let s1 = this.#s1;
      let s2 = this.#s2;
      let s3 = this.#s3;
      for (let k = 0; k < pairs * 2; k++) {
        u[k] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 11);
      }
      this.#s0 = s0 >>> 0;
      this.#s1 = s1 >>> 0;
      this.#s2 = s2 >>> 0;
      this.#s3 = s3 >>> 0;
      for (let k = 0; k < pairs * 2 && i < end; k += 2) {
        const r = Math.sqrt(-2 * Math.log(((u[k] as number) + 1) / 4294967296));
        const angle = 2 * Math.PI * ((u[k + 1] as number) / 4294967296);
        out[i++] = r * Math.cos(angle);
        const second = r * Math.sin(angle);
        if (i < end) out[i++] = second;
        else {
          this.#spare = second;
          this.#hasSpare = true;
        }
      }
    }
    return out;
  }
}

/** Pairs drawn per block: the scratch holds at most 2·8192 uniforms (64 kB). */
const BLOCK_PAIRS = 8192;

/** Scratch for {@link SeededNoise.normal}'s uniform draws (used synchronously, so one serves every stream). */
let scratch = new Uint32Array(1024);

function uniforms(count: number): Uint32Array {
  if (scratch.length < count) scratch = new Uint32Array(count);
  return scratch;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Noise for a batch whose image i is seeded with `seeds[i]`: each draw takes `length / seeds.length` values from every
 * image's own stream, so image i's numbers do not depend on the batch size.
 *
 * @example
 * const noise = batchNoise([42, 43]);
 * const latents = noise(2 * 4 * 8 * 8); // image 0 from seed 42, image 1 from seed 43
 */
export function batchNoise(seeds: readonly number[]): NoiseSource {
  const streams = seeds.map((s) => new SeededNoise(s));
  return (length, out = new Float32Array(length)) => {
    const per = length / streams.length;
    if (!Number.isInteger(per))
      throw new RangeError(`noise length ${length} is not a multiple of the batch ${streams.length}`);
    if (out.length < length) throw new RangeError(`noise of ${length} values does not fit an array of ${out.length}`);
    for (let i = 0; i < streams.length; i++) (streams[i] as SeededNoise).normal(per, out, i * per);
    return out;
  };
}
