/**
 * @module The output store: unguessable names, memory budget with spill to disk, expiry, and the take-over of what
 * an earlier run left in its directory.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
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

  it("forgets a result it cannot spill, within its budget, and says so: no unhandled rejection", async () => {
    const lost: Array<[string | undefined, number]> = [];
    store = new OutputStore({ memoryBytes: 4, onLost: (err, bytes) => void lost.push([err.code, bytes]) });
    // Deleted under it, as a tmp cleaner does: each spill's write fails (a full disk fails the same way).
    rmSync(store.dir, { recursive: true, force: true });
    const first = store.put(new Uint8Array(6).fill(1), "png");
    const second = store.put(new Uint8Array(3).fill(2), "png");
    await new Promise((r) => setTimeout(r, 100));
    expect(lost).toEqual([["ENOENT", 6]]);
    expect(await store.get(first)).toBeUndefined();
    expect(await store.stat(first)).toBeUndefined();
    expect((await store.get(second))?.bytes).toEqual(new Uint8Array(3).fill(2));
    expect(store.memoryUsed).toBe(3);
  });

  it("forgets results after their retention time and deletes spilled files", async () => {
    store = new OutputStore({ retentionSec: 60, memoryBytes: 0 });
    const name = store.put(new Uint8Array([9]), "png");
    expect(await store.get(name)).toBeDefined();
    expect(await store.sweep(Date.now() + 61_000)).toBe(1);
    expect(await store.get(name)).toBeUndefined();
    expect(existsSync(join(store.dir, name))).toBe(false);
  });

  it("takes over an earlier run's files in its directory: its own names only, by age and writer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "avs-takeover-"));
    const outside = mkdtempSync(join(tmpdir(), "avs-takeover-outside-"));
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      // The earlier run: results spilled to disk (memory budget 0); closing it waits for the writes and, on a given
      // directory, deletes nothing, as a stop or a SIGKILL.
      const earlier = new OutputStore({ dir, retentionSec: 60, memoryBytes: 0 });
      const old = earlier.put(new Uint8Array([1]), "png");
      const young = earlier.put(new Uint8Array([2]), "mp4");
      await earlier.close();
      const now = Date.now();
      utimesSync(join(dir, old), new Date(now - 61_000), new Date(now - 61_000));
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
      const partials = {
        dead: `.encoding-${dead}-k3j2.mp4`,
        mine: `.encoding-${process.pid}-abc.mp4`,
        live: `.encoding-${sleeper.pid}-zz9.mp4`,
      };
      for (const name of Object.values(partials)) writeFileSync(join(dir, name), "partial mp4");
      // What the operator keeps in the same folder, old as it may be: names the store never gives.
      const theirs = ["notes.txt", `${"a".repeat(31)}.png`, `${"b".repeat(32)}.jpg`, ".encoding-1-x.webm", "x.mp4"];
      for (const name of theirs) writeFileSync(join(dir, name), "theirs");
      for (const name of theirs) utimesSync(join(dir, name), new Date(0), new Date(0));
      mkdirSync(join(dir, `${"c".repeat(32)}.png`));
      writeFileSync(join(outside, "target"), "not the store's");
      symlinkSync(join(outside, "target"), join(dir, `${"d".repeat(32)}.mp4`));
      const before = readdirSync(dir).sort();

      store = new OutputStore({ dir, retentionSec: 60 });
      expect(await store.takeOver(now)).toEqual({ expired: 1, kept: 1, partial: 2 });
      const gone = [old, partials.dead, partials.mine];
      expect(readdirSync(dir).sort()).toEqual(before.filter((n) => !gone.includes(n)));
      // The young one is not served, and goes when its retention ends (its mtime + 60 s), not before.
      expect(await store.get(young)).toBeUndefined();
      expect(await store.sweep(now + 30_000)).toBe(0);
      expect(existsSync(join(dir, young))).toBe(true);
      expect(await store.sweep(now + 61_000)).toBe(1);
      expect(existsSync(join(dir, young))).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(before.filter((n) => ![...gone, young].includes(n)));
      expect(readdirSync(outside)).toEqual(["target"]);
    } finally {
      sleeper.kill();
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
