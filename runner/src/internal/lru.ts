/** @module A small least-recently-used map with a fixed capacity, for per-request values worth keeping (token ids, schedules). */

interface Entry<V> {
  value: V;
  /** When the entry was last read or written (a counter, not a clock). */
  used: number;
}

/**
 * A `Map` that keeps at most `capacity` entries, dropping the least recently used one. A hit is one map lookup and
 * a counter bump (it sits on every request's path); finding the entry to drop scans the map, so keep the capacity
 * small (tens of entries), as its users do.
 *
 * @example
 * const ids = new Lru<string, number[]>(64);
 * const hit = ids.get(prompt) ?? ids.set(prompt, tokenizer.encode(prompt));
 */
export class Lru<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  #clock = 0;

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
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.#clock;
    return entry.value;
  }

  /** Stores `value` as the most recently used entry, evicting the oldest beyond capacity; returns `value`. */
  set(key: K, value: V): V {
    const entry = this.#entries.get(key);
    if (entry) {
      entry.value = value;
      entry.used = ++this.#clock;
      return value;
    }
    if (this.#entries.size >= this.capacity) this.#evict();
    this.#entries.set(key, { value, used: ++this.#clock });
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

  #evict(): void {
    let oldest: K | undefined;
    let least = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (entry.used < least) {
        least = entry.used;
        oldest = key;
      }
    }
    this.#entries.delete(oldest as K);
  }
}
