/**
 * @module IEEE 754 half-precision conversion. ONNX Runtime for Node takes and returns float16 tensors as `Uint16Array`
 * of half bits (Node 20 has no `Float16Array`), so fp16 exports are fed and read through these two functions.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Float → half bits, rounding to nearest even; overflow gives ±Infinity, NaN stays NaN. Written into `out` when
 * given (a buffer reused between runs), else into a new array.
 *
 * @example
 * toHalfBits(Float32Array.of(1, -2)); // Uint16Array [0x3c00, 0xc000]
 */
export function toHalfBits(values: ArrayLike<number>, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i] as number);
  return out;
}

/**
 * One float → half bits (see {@link toHalfBits}).
 *
 * @example
 * halfBits(1); // 0x3c00
 */
export function halfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half;
  return sign | e;
}

/**
 * Half bits → float32 values.
 *
 * @example
 * fromHalfBits(Uint16Array.of(0x3c00)); // Float32Array [1]
 */
export function fromHalfBits(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) out[i] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) out[i] = mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return out;
}
