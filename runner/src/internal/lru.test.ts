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
