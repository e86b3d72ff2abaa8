/** @module The bounded LRU map keeps the most recently used entries. */
import { describe, expect, it } from "vitest";
import { Lru } from "./lru.js";

describe("Lru", () => {
  it("evicts the least recently used entry beyond capacity", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3);
    expect(lru.size).toBe(2);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    expect(lru.get("c")).toBe(3);
  });

  it("keeps what is read, whatever order it was stored in", () => {
    const lru = new Lru<number, number>(3);
    for (let k = 0; k < 3; k++) lru.set(k, k);
    lru.get(0);
    lru.set(1, 10); // an update counts as a use
    lru.set(3, 3); // drops 2, the least recently used
    expect([0, 1, 2, 3].map((k) => lru.get(k))).toEqual([0, 10, undefined, 3]);
    lru.set(4, 4); // drops 0: the reads above touched 0 before 1 and 3
    expect(lru.size).toBe(3);
    expect(lru.get(0)).toBeUndefined();
  });

  it("computes a missing value once and then serves it", () => {
    const lru = new Lru<number, number[]>(4);
    let calls = 0;
    const make = (n: number) => {
      calls++;
      return [n, n];
    };
    const first = lru.getOrSet(3, make);
    expect(lru.getOrSet(3, make)).toBe(first);
    expect(calls).toBe(1);
  });

  it("refuses a capacity below one", () => {
    expect(() => new Lru(0)).toThrow("capacity must be an integer ≥ 1, got 0");
  });
});
