/**
 * @module Reproducible Gaussian noise from an integer seed: SplitMix64 expands the seed into the state of a
 * xoshiro128** generator (Blackman & Vigna), whose 32-bit outputs feed the Box–Muller transform. Only integer
 * arithmetic and V8's deterministic `Math.log/cos/sin` are involved, so a seed gives the same floats on every machine
 * running the same runner version. (These are not the numbers PyTorch would draw for the same seed.)
 */

const MASK64 = (1n << 64n) - 1n;

function splitMix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

/** A seeded stream of uniform and normal numbers. */
export class SeededNoise {
  readonly #s = new Uint32Array(4);
  #spare: number | undefined;

  /**
   * @param seed an integer 0 … 2^53−1 (the request's seed + image index).
   * @example
   * new SeededNoise(42).normal(4); // the same four floats every time
   */
  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed must be an integer 0 … 2^53−1, got ${seed}`);
    let state = BigInt(seed);
    for (let i = 0; i < 2; i++) {
      const [next, word] = splitMix64(state);
      state = next;
      this.#s[2 * i] = Number(word & 0xffffffffn);
      this.#s[2 * i + 1] = Number(word >> 32n);
    }
  }

  /**
   * The next 32-bit output of xoshiro128**.
   *
   * @example
   * new SeededNoise(1).nextUint32(); // an integer 0 … 2^32−1
   */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5), 7), 9) >>> 0;
    const t = (s[1] as number) << 9;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  /**
   * `count` standard-normal float32 values (Box–Muller; pairs are used in full, so draws are contiguous).
   *
   * @example
   * const eps = new SeededNoise(7).normal(4 * 64 * 64);
   */
  normal(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (this.#spare !== undefined) {
        out[i] = this.#spare;
        this.#spare = undefined;
        continue;
      }
      const u1 = (this.nextUint32() + 1) / 4294967296;
      const u2 = this.nextUint32() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      this.#spare = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
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
export function batchNoise(seeds: readonly number[]): (length: number) => Float32Array {
  const streams = seeds.map((s) => new SeededNoise(s));
  return (length) => {
    const per = length / streams.length;
    if (!Number.isInteger(per))
      throw new RangeError(`noise length ${length} is not a multiple of the batch ${streams.length}`);
    const out = new Float32Array(length);
    streams.forEach((stream, i) => {
      out.set(stream.normal(per), i * per);
    });
    return out;
  };
}
