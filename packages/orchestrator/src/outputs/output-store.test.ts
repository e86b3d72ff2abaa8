/** @module The output store: unguessable names, memory budget with spill to disk, expiry. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OutputStore } from "./output-store.js";

let store: OutputStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe("OutputStore", () => {
  it("keeps results in memory under unguessable names and serves them with their type", async () => {
    store = new OutputStore();
    const a = store.put(new Uint8Array([1, 2, 3]), "png");
    const b = store.put(new Uint8Array([4]), "mp4");
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}\.png$/);
    expect(a).not.toBe(b);
    expect(await store.get(a)).toEqual({ bytes: new Uint8Array([1, 2, 3]), type: "image/png", size: 3 });
    expect((await store.get(b))?.type).toBe("video/mp4");
    expect(readdirSync(store.dir)).toEqual([]);
    expect(await store.get("nope.png")).toBeUndefined();
  });

  it("spills the oldest results to disk beyond its memory budget and still serves them", async () => {
    store = new OutputStore({ memoryBytes: 10 });
    const first = store.put(new Uint8Array(6).fill(7), "png");
    const second = store.put(new Uint8Array(6).fill(8), "png");
    expect(store.memoryUsed).toBe(6);
    expect((await store.get(first))?.bytes).toEqual(new Uint8Array(6).fill(7));
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(store.dir, first))).toBe(true);
    expect(existsSync(join(store.dir, second))).toBe(false);
    expect([...((await store.get(first))?.bytes ?? [])]).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it("forgets results after their retention time and deletes spilled files", async () => {
    store = new OutputStore({ retentionSec: 60, memoryBytes: 0 });
    const name = store.put(new Uint8Array([9]), "png");
    expect(await store.get(name)).toBeDefined();
    expect(await store.sweep(Date.now() + 61_000)).toBe(1);
    expect(await store.get(name)).toBeUndefined();
    expect(existsSync(join(store.dir, name))).toBe(false);
  });
});
