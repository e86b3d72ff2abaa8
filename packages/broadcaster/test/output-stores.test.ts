/**
 * @module The output stores: the local directory (atomic writes, retention, cleanup of only its own files), the
 * S3 store against s3rver, a real S3-compatible server in Node (it checks the SigV4 header's form but not the
 * signature itself; signatures are checked against AWS's published examples in sigv4.test.ts), and the PostgreSQL
 * store (in a schema of the test's own, dropped afterwards).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RangeCase, rangeProblems, upscaleForm } from "@ai-video-subnet/test-kit";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LocalOutputStore } from "../src/outputs/local-store.js";
import { PostgresOutputStore } from "../src/outputs/postgres-store.js";
import { S3OutputStore } from "../src/outputs/s3-store.js";
import { OUTPUT_NAME, outputName } from "../src/outputs/store.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const root = mkdtempSync(join(tmpdir(), "avs-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const streamOf = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body!;
const bytesOf = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
const DATA = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);

/** The answers of the broadcaster at `url` to Range requests for `name`: no problems, and a 404 for another name. */
async function expectRanges(url: string, name: string, bytes: Uint8Array, more: RangeCase[] = []): Promise<void> {
  expect(await rangeProblems(`${url}/outputs/${name}`, bytes, more)).toEqual([]);
  const missing = await fetch(`${url}/outputs/${outputName("mp4")}`, { headers: { range: "bytes=0-9" } });
  expect(missing.status).toBe(404);
  await missing.body?.cancel();
}

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

describe("S3 store (s3rver)", () => {
  let server: S3rver;
  let endpoint: string;
  beforeAll(async () => {
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: join(root, "s3"),
      configureBuckets: [{ name: "avs-outputs", configs: [] }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server?.close());

  /** The bucket, as a broadcaster's `outputs` option. */
  const bucket = (prefix?: string) => ({
    kind: "s3" as const,
    endpoint,
    bucket: "avs-outputs",
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    prefix,
  });
  const store = () => new S3OutputStore({ ...bucket(), retentionMs: 60_000 });

  it("uploads a stream with its length, and streams it back", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, streamOf(DATA), "image/png", DATA.length);
    const out = await s.get(name);
    expect(out?.contentType).toBe("image/png");
    expect(out?.size).toBe(DATA.length);
    expect(await bytesOf(out!.body)).toEqual(DATA);
    // It is in the bucket under the prefix, as any S3 client would see it.
    const listing = await fetch(`${endpoint}/avs-outputs?list-type=2&prefix=outputs/`).then((r) => r.text());
    expect(listing).toContain(`<Key>outputs/${name}</Key>`);
  });

  it("uploads bytes given in memory with their length", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, Buffer.from(DATA.subarray(0, 1000)), "image/png");
    const out = await s.get(name);
    expect(out?.size).toBe(1000);
    expect(await bytesOf(out!.body)).toEqual(DATA.subarray(0, 1000));
  });

  it("uploads a stream of unknown length", async () => {
    const s = store();
    const name = outputName("mp4");
    await s.put(name, streamOf(DATA.subarray(0, 1000)), "video/mp4");
    expect(await bytesOf((await s.get(name))!.body)).toEqual(DATA.subarray(0, 1000));
  });

  it("answers undefined for a missing name and deletes", async () => {
    const s = store();
    expect(await s.get(outputName("png"))).toBeUndefined();
    const name = outputName("png");
    await s.put(name, streamOf(DATA.subarray(0, 10)), "image/png", 10);
    await s.delete(name);
    expect(await s.get(name)).toBeUndefined();
  });

  it("removes objects past the retention time in cleanup", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, streamOf(DATA.subarray(0, 10)), "image/png", 10);
    expect(await s.cleanup(Date.now())).toBe(0);
    const removed = await s.cleanup(Date.now() + 120_000);
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await s.get(name)).toBeUndefined();
  });

  it("serves a job's output from the bucket through the broadcaster", async () => {
    const fake = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    const t = await startBroadcaster({ orchestrators: [fake.url], outputs: bucket("jobs/") });
    try {
      const res = await fetch(`${t.url}/upscale`, { method: "POST", body: upscaleForm("m", PNG_1X1) });
      expect(res.status).toBe(200);
      const url: string = (await res.json()).images[0].url;
      const name = url.slice(url.lastIndexOf("/") + 1);
      const listing = await fetch(`${endpoint}/avs-outputs?list-type=2&prefix=jobs/`).then((r) => r.text());
      expect(listing).toContain(`<Key>jobs/${name}</Key>`);
      const out = await fetch(url);
      expect(out.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it("serves Range requests through the broadcaster with ranged GETs on the bucket", async () => {
    const t = await startBroadcaster({ outputs: bucket() });
    const sent: Array<{ method: string; range: string | null }> = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      if (String(input).startsWith(endpoint)) {
        sent.push({ method: init?.method ?? "GET", range: new Headers(init?.headers).get("range") });
      }
      return realFetch(input, init);
    });
    try {
      const name = outputName("mp4");
      await t.b.store.put(name, streamOf(DATA), "video/mp4", DATA.length);
      await expectRanges(t.url, name, DATA);
      // s3rver reads the end of `bytes=0-0` as none and answers all of it with a Content-Range that says so; the
      // gateway passes on the part the bucket answered, with its true Content-Range.
      const first = await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=0-0" } });
      expect(first.status).toBe(206);
      expect(first.headers.get("content-range")).toBe(`bytes 0-${DATA.length - 1}/${DATA.length}`);
      expect((await first.arrayBuffer()).byteLength).toBe(DATA.length);
      sent.length = 0;
      expect(
        await (await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=100-199" } })).arrayBuffer(),
      ).toEqual(DATA.slice(100, 200).buffer);
      // The bucket is asked for those bytes only; a suffix is asked as the positions it stands for, after a HEAD.
      expect(sent).toEqual([{ method: "GET", range: "bytes=100-199" }]);
      sent.length = 0;
      await (await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=-10" } })).arrayBuffer();
      expect(sent).toEqual([
        { method: "HEAD", range: null },
        { method: "GET", range: `bytes=${DATA.length - 10}-${DATA.length - 1}` },
      ]);
      sent.length = 0;
      await fetch(`${t.url}/outputs/${name}`, { method: "HEAD" });
      expect(sent).toEqual([{ method: "HEAD", range: null }]);
    } finally {
      spy.mockRestore();
      await t.close();
    }
  });

  it("reports a wrong bucket with the server's answer", async () => {
    const s = new S3OutputStore({
      endpoint,
      bucket: "no-such-bucket",
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      retentionMs: 1,
    });
    await expect(s.put(outputName("png"), streamOf(DATA.subarray(0, 10)), "image/png", 10)).rejects.toThrow(
      /S3 PUT .*HTTP 404.*NoSuchBucket/s,
    );
  });
});

describe("PostgreSQL store", () => {
  const db = testSchema("outputs");
  const store = new PostgresOutputStore({ url: db.url, schema: db.schema, retentionMs: 60_000 });
  beforeAll(() => store.init());
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it("stores in 1 MiB chunks and streams back the same bytes with the media type", async () => {
    const big = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 13) % 251);
    const name = outputName("mp4");
    await store.put(name, streamOf(big), "video/mp4");
    const chunks = await pgQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${db.schema}".output_chunks WHERE name = $1`,
      [name],
    );
    expect(chunks[0]!.n).toBe(3);
    const out = await store.get(name);
    expect(out?.contentType).toBe("video/mp4");
    expect(out?.size).toBe(big.length);
    // Buffer.compare: a deep equal of 2.5 MB element by element takes vitest half a minute.
    expect(Buffer.compare(await bytesOf(out!.body), big)).toBe(0);
  });

  it("stores bytes given in memory as they are (not byte by byte)", async () => {
    const name = outputName("png");
    await store.put(name, Buffer.from(DATA), "image/png");
    const out = await store.get(name);
    expect(out?.size).toBe(DATA.length);
    expect(Buffer.compare(await bytesOf(out!.body), DATA)).toBe(0);
  });

  it("keeps an empty output, and nothing of one whose stream failed", async () => {
    const empty = outputName("png");
    await store.put(empty, streamOf(new Uint8Array(0)), "image/png");
    expect(await bytesOf((await store.get(empty))!.body)).toEqual(new Uint8Array(0));
    const broken = outputName("png");
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(DATA);
        c.error(new Error("connection lost"));
      },
    });
    await expect(store.put(broken, failing, "image/png")).rejects.toThrow("connection lost");
    expect(await store.get(broken)).toBeUndefined();
    const rows = await pgQuery(`SELECT 1 FROM "${db.schema}".output_chunks WHERE name = $1`, [broken]);
    expect(rows).toEqual([]);
  });

  it("serves Range requests through the broadcaster, reading only the parts of the chunks asked for", async () => {
    const t = await startBroadcaster({ outputs: { kind: "postgres", url: db.url, schema: db.schema } });
    try {
      const MiB = 1024 * 1024;
      const big = new Uint8Array(2.5 * MiB).map((_, i) => (i * 13) % 251);
      const name = outputName("mp4");
      await t.b.store.put(name, streamOf(big), "video/mp4");
      await expectRanges(t.url, name, big, [
        // Across chunk boundaries: the end of the first, all of the second, the start of the third.
        [`bytes=${MiB - 10}-${2 * MiB + 9}`, MiB - 10, 2 * MiB + 9],
        [`bytes=${MiB}-${MiB}`, MiB, MiB],
        ["bytes=0-0", 0, 0],
        [`bytes=${2 * MiB - 1}-`, 2 * MiB - 1, big.length - 1],
      ]);
      const pool = (t.b.store as PostgresOutputStore).pool;
      const query = vi.spyOn(pool, "query");
      try {
        const res = await fetch(`${t.url}/outputs/${name}`, { headers: { range: `bytes=${MiB - 3}-${MiB + 2}` } });
        expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(big.subarray(MiB - 3, MiB + 3)));
        // Two chunk reads of 3 bytes each (substring positions are 1-based), not two 1 MiB chunks.
        const reads = query.mock.calls.filter(([sql]) => String(sql).includes("output_chunks"));
        expect(reads.map(([, params]) => params)).toEqual([
          [name, 0, MiB - 2, 3],
          [name, 1, 1, 3],
        ]);
      } finally {
        query.mockRestore();
      }
    } finally {
      await t.close();
    }
  });

  it("hides and removes outputs past their retention, and looks up no name outside the pattern", async () => {
    const old = outputName("png");
    const fresh = outputName("png");
    await store.put(old, streamOf(DATA), "image/png");
    await store.put(fresh, streamOf(DATA), "image/png");
    await pgQuery(`UPDATE "${db.schema}".outputs SET created_at = now() - interval '2 minutes' WHERE name = $1`, [old]);
    expect(await store.get(old)).toBeUndefined();
    expect(await store.cleanup(Date.now())).toBe(1);
    expect(await store.get(fresh)).toBeDefined();
    expect(await store.get("../../etc/passwd")).toBeUndefined();
    await store.delete(fresh);
    expect(await store.get(fresh)).toBeUndefined();
  });
});
