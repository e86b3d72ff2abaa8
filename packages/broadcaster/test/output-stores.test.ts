/**
 * @module The output stores' names, and the local directory store (atomic writes, packs, retention, cleanup of only
 * its own files, ranges). The S3 and PostgreSQL stores have files of their own (output-store-s3, -postgres).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalOutputStore } from "../src/outputs/local-store.js";
import { OUTPUT_NAME, outputName } from "../src/outputs/store.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { bytesOf, DATA, expectRanges, streamOf } from "./support/output-store-checks.js";

const root = mkdtempSync(join(tmpdir(), "avs-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("output names", () => {
  it("are unguessable, URL-safe and match the spec's pattern", () => {
    const names = new Set(Array.from({ length: 1000 }, () => outputName("png")));
    expect(names.size).toBe(1000);
    for (const n of names) expect(n).toMatch(OUTPUT_NAME);
    expect(outputName("mp4")).toMatch(/^[A-Za-z0-9_-]{32}\.mp4$/);
  });
});

describe("local store", () => {
  const dir = join(root, "local");
  const store = new LocalOutputStore(dir, 60_000);
  beforeAll(() => store.init());

  it("stores and streams back the same bytes with the media type", async () => {
    const name = outputName("mp4");
    await store.put(name, streamOf(DATA), "video/mp4");
    const out = await store.get(name);
    expect(out?.contentType).toBe("video/mp4");
    expect(out?.size).toBe(DATA.length);
    expect(await bytesOf(out!.body)).toEqual(DATA);
  });

  it("stores bytes given in memory (an output decoded from an answer), small and past the one-write size", async () => {
    for (const bytes of [DATA, new Uint8Array(1024 * 1024 + 5).map((_, i) => (i * 11) % 251)]) {
      const name = await store.put(outputName("png"), Buffer.from(bytes), "image/png", bytes.length);
      const out = await store.get(name);
      expect(out?.size).toBe(bytes.length);
      expect(Buffer.compare(await bytesOf(out!.body), bytes)).toBe(0);
    }
  });

  it("packs small outputs: one file for many, names that say where, fetchable at once and after a restart", async () => {
    const packDir = join(root, "packed");
    const a = new LocalOutputStore(packDir, 60_000);
    await a.init();
    const outputs = [DATA.subarray(0, 1000), DATA, new Uint8Array(0), DATA.subarray(5, 70_000)];
    const names: string[] = [];
    for (const [i, bytes] of outputs.entries()) {
      const given = outputName(i === 1 ? "mp4" : "png");
      const name = await a.put(given, i === 3 ? streamOf(bytes) : Buffer.from(bytes), "image/png", bytes.length);
      // The secret part is the one asked for; the rest names the pack and the offset.
      expect(name.startsWith(given.slice(0, 32))).toBe(true);
      expect(name.endsWith(given.slice(32))).toBe(true);
      expect(name).toMatch(OUTPUT_NAME);
      names.push(name);
    }
    expect(readdirSync(packDir).filter((f) => f.endsWith(".pack"))).toHaveLength(1);
    const check = async (s: LocalOutputStore) => {
      for (const [i, bytes] of outputs.entries()) {
        const out = await s.get(names[i]!);
        expect(out?.contentType).toBe(i === 1 ? "video/mp4" : "image/png");
        expect(out?.size).toBe(bytes.length);
        expect(Buffer.compare(await bytesOf(out!.body), bytes)).toBe(0);
      }
    };
    await check(a);
    await a.close();
    // Another store on the directory (a restarted broadcaster) finds them by their names alone.
    const b = new LocalOutputStore(packDir, 60_000);
    await check(b);
    await b.close();
  });

  it("finds nothing for a packed name whose secret, place or pack is wrong, and nothing once it is deleted", async () => {
    const s = new LocalOutputStore(join(root, "packed-guess"), 60_000);
    await s.init();
    const first = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 500)), "image/png");
    const name = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 600)), "image/png");
    expect(await s.get(name)).toBeDefined();
    const other = outputName("png").slice(0, 32);
    expect(await s.get(`${other}${name.slice(32)}`)).toBeUndefined();
    // The second record's place with the first record's secret, and a place that is not a record.
    expect(await s.get(`${first.slice(0, 32)}${name.slice(32)}`)).toBeUndefined();
    expect(await s.get(name.replace(/_([a-z0-9]+)\.png$/, "_1.png"))).toBeUndefined();
    expect(await s.get(name.replace(/_([a-z0-9]+)_/, "_zzzzzzzzzz_"))).toBeUndefined();
    await s.delete(name);
    expect(await s.get(name)).toBeUndefined();
    expect(await s.get(first)).toBeDefined();
    // A deleted output's bytes are gone from the pack at once, not only hidden until the pack expires.
    const [pack] = readdirSync(join(root, "packed-guess"));
    const bytes = readFileSync(join(root, "packed-guess", pack!));
    expect(bytes.includes(Buffer.from(DATA.subarray(0, 500)))).toBe(true);
    expect(bytes.includes(Buffer.from(DATA.subarray(100, 600)))).toBe(false);
    await s.close();
  });

  it("finds nothing for a record an output's own bytes imitate (an orchestrator chooses those bytes)", async () => {
    const packDir = join(root, "packed-forged");
    const s = new LocalOutputStore(packDir, 60_000);
    await s.init();
    const one = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 100)), "image/png");
    const two = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 200)), "image/png");
    const at = (name: string) => Number.parseInt(/_([a-z0-9]+)\.png$/.exec(name)![1]!, 36);
    const pack = /_([a-z0-9]+)_[a-z0-9]+\.png$/.exec(two)![1]!;
    // A record's fixed head, measured: what lies between two records besides the first one's name and body.
    const head = at(two) - at(one) - one.length - 100;
    const [packFile] = readdirSync(packDir);
    const genuine = readFileSync(join(packDir, packFile!)).subarray(at(two), at(two) + head);
    // The forger knows where its output will land (the pack and the next offset are in the names it was given) and
    // puts in it a copy of a genuine head with a name of its choosing and a length running over every later output.
    const forgerAt = at(two) + head + two.length + 200;
    const forgerName = 32 + 1 + pack.length + 1 + forgerAt.toString(36).length + 4;
    const forgedAt = forgerAt + head + forgerName + 10;
    const forged = `${outputName("png").slice(0, 32)}_${pack}_${forgedAt.toString(36)}.png`;
    const fake = Buffer.concat([Buffer.from(genuine), Buffer.from(forged, "latin1")]);
    fake.writeUInt32LE(0xffff_fff0, 4);
    fake[16] = forged.length;
    const body = Buffer.concat([Buffer.alloc(10, 7), fake, Buffer.alloc(100, 9)]);
    expect(at(await s.put(outputName("png"), body, "image/png"))).toBe(forgerAt);
    const victim = await s.put(outputName("png"), Buffer.from("another caller's output"), "image/png");
    expect(await s.get(forged)).toBeUndefined();
    expect(await s.stat(forged)).toBeUndefined();
    expect(Buffer.from(await bytesOf((await s.get(victim))!.body)).toString()).toBe("another caller's output");
    await s.close();
  });

  it("hides packed outputs past their retention and removes a pack once all of it is", async () => {
    const packDir = join(root, "packed-expiry");
    const s = new LocalOutputStore(packDir, 1000);
    await s.init();
    const kept = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 100)), "image/png");
    const gone = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 200)), "image/png");
    await s.delete(gone);
    expect(await s.cleanup(Date.now())).toBe(0);
    expect(await s.get(kept)).toBeDefined();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await s.get(kept)).toBeUndefined();
    // The pack held two outputs, one already deleted: one more is removed with it.
    expect(await s.cleanup(Date.now())).toBe(1);
    expect(readdirSync(packDir)).toEqual([]);
    // The next output starts a new pack.
    const next = await s.put(outputName("png"), Buffer.from(DATA.subarray(0, 100)), "image/png");
    expect(await s.get(next)).toBeDefined();
    expect(readdirSync(packDir)).toHaveLength(1);
    await s.close();
  });

  it("hides outputs past their retention and removes only its own expired files", async () => {
    const old = outputName("png");
    const fresh = outputName("png");
    await store.put(old, streamOf(DATA), "image/png");
    await store.put(fresh, streamOf(DATA), "image/png");
    const past = (Date.now() - 120_000) / 1000;
    utimesSync(join(dir, old), past, past);
    writeFileSync(join(dir, "operator-notes.txt"), "keep me");
    utimesSync(join(dir, "operator-notes.txt"), past, past);
    expect(await store.get(old)).toBeUndefined();
    expect(await store.cleanup(Date.now())).toBe(1);
    expect(existsSync(join(dir, old))).toBe(false);
    expect(existsSync(join(dir, fresh))).toBe(true);
    expect(existsSync(join(dir, "operator-notes.txt"))).toBe(true);
  });

  it("serves Range requests of a file of its own and of a packed output (its record's bytes only)", async () => {
    const t = await startBroadcaster({ outputs: { kind: "local", dir: join(root, "ranges") } });
    try {
      const video = await t.b.store.put(outputName("mp4"), streamOf(DATA), "video/mp4");
      const image = await t.b.store.put(outputName("png"), Buffer.from(DATA.subarray(0, 5000)), "image/png", 5000);
      // Packed: its name says its pack and place after the 32-character secret.
      expect(image.length).toBeGreaterThan(36);
      await expectRanges(t.url, video, DATA, [["bytes=0-0", 0, 0]]);
      await expectRanges(t.url, image, DATA.subarray(0, 5000), [["bytes=4000-4010", 4000, 4010]]);
      // A part of a packed output is its record's bytes, not the ones around it in the pack.
      const part = await t.b.store.get(image, { first: 4990, last: 6000 });
      expect(part?.part).toEqual({ start: 4990, end: 4999 });
      expect(await bytesOf(part!.body)).toEqual(DATA.subarray(4990, 5000));
      expect(await t.b.store.stat(video)).toEqual({ contentType: "video/mp4", size: DATA.length });
    } finally {
      await t.close();
    }
  });

  it("never reads outside its directory", async () => {
    expect(await store.get("../../etc/passwd")).toBeUndefined();
    expect(await store.get("operator-notes.txt")).toBeUndefined();
  });
});
