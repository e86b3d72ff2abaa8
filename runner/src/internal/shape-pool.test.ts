import { describe, expect, it } from "vitest";
import { ShapePool, shapeKey } from "./shape-pool.js";

describe("ShapePool", () => {
  it("lends a value to one taker at a time, per owner and shape", () => {
    const pool = new ShapePool<Float32Array>();
    const owner = {};
    const [k, other] = [shapeKey(1, 8, 8), shapeKey(1, 8, 16)];
    expect(new Set([k, other, shapeKey(2, 8, 8), shapeKey(1, 16, 8)]).size).toBe(4);
    // Sides of 65536 and more still give distinct keys.
    expect(shapeKey(1, 8, 65536 + 8)).not.toBe(shapeKey(1, 9, 8));
    expect(shapeKey(1, 8, 65536 + 8)).toBe(shapeKey(1, 8, 65536 + 8));
    expect(pool.take(owner, k)).toBeUndefined();
    const a = new Float32Array(4);
    pool.give(owner, k, a);
    expect(pool.take({}, k)).toBeUndefined();
    expect(pool.take(owner, other)).toBeUndefined();
    expect(pool.take(owner, k)).toBe(a);
    expect(pool.take(owner, k)).toBeUndefined();
  });

  it("keeps the most recently used shapes of an owner", () => {
    const pool = new ShapePool<number>(2);
    const owner = {};
    pool.give(owner, 1, 1);
    pool.give(owner, 2, 2);
    pool.give(owner, 3, 3);
    expect(pool.take(owner, 1)).toBeUndefined();
    expect(pool.take(owner, 2)).toBe(2);
    expect(pool.take(owner, 3)).toBe(3);
  });
});
