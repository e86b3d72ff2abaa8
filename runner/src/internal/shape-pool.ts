/**
 * @module Arrays and tensors made once and lent to one request at a time, per owner (an ONNX session) and shape: a
 * request takes what it needs and gives it back when its `session.run` is over, so steady traffic of one shape
 * allocates nothing. (A typed array costs about a microsecond to allocate and collect, which is most of the budget a
 * tiny model's request leaves for JavaScript.)
 */
import { Lru } from "./lru.js";

/** A shape as a map key. */
export type ShapeKey = number | string;

/**
 * A key for a shape of three non-negative integers: one number when the last two are below 65536 (the usual case,
 * cheaper to hash), else a string, so distinct shapes never share a key.
 *
 * @example
 * shapeKey(2, 8, 8) === shapeKey(2, 8, 8); // true, and ≠ shapeKey(2, 8, 16)
 */
export function shapeKey(a: number, b: number, c: number): ShapeKey {
  return b < 65536 && c < 65536 && a < 2 ** 20 ? (a * 65536 + b) * 65536 + c : `${a}x${b}x${c}`;
}

/**
 * Free values per owner and shape key (see {@link shapeKey}); an owner keeps its `shapesPerOwner` most recently used
 * shapes.
 *
 * @example
 * const pool = new ShapePool<Float32Array>();
 * const key = shapeKey(1, 8, 8);
 * const buf = pool.take(session, key) ?? new Float32Array(256);
 * try { ... } finally { pool.give(session, key, buf); }
 */
export class ShapePool<T> {
  readonly #free = new WeakMap<object, Lru<ShapeKey, T[]>>();

  constructor(readonly shapesPerOwner = 4) {}

  /** A free value of this owner and shape, now the caller's until it is given back; `undefined` when none is free. */
  take(owner: object, key: ShapeKey): T | undefined {
    return this.#free.get(owner)?.get(key)?.pop();
  }

  /** Returns a value to the pool (the caller must not use it afterwards). */
  give(owner: object, key: ShapeKey, value: T): void {
    let shapes = this.#free.get(owner);
    if (!shapes) {
      shapes = new Lru(this.shapesPerOwner);
      this.#free.set(owner, shapes);
    }
    shapes.getOrSet(key, () => []).push(value);
  }
}
