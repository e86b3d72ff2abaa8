/** @module A small least-recently-used map with a fixed capacity, for per-request values worth keeping (token ids, schedules). */

/**
 * A `Map` that keeps at most `capacity` entries, dropping the least recently used one.
 *
 * @example
 * const ids = new Lru<string, number[]>(64);
 * const hit = ids.get(prompt) ?? ids.set(prompt, tokenizer.encode(prompt));
 */
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, marked as most recently used, or `undefined`. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used entry, evicting the oldest beyond capacity; returns `value`. */
  set(key: K, value: V): V {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
    return value;
  }

  /**
   * The cached value of `key`, or `make(key)` stored and returned.
   *
   * @example
   * const schedule = schedules.getOrSet(steps, (n) => sigmaSchedule(config, n));
   */
  getOrSet(key: K, make: (key: K) => V): V {
    return this.get(key) ?? this.set(key, make(key));
  }
}
