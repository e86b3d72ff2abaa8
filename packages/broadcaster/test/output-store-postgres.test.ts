/** @module The PostgreSQL output store, in a schema of the test's own (dropped afterwards). */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { migrateTables } from "../src/async-jobs/postgres-schema.js";
import { outputMigrations, PostgresOutputStore } from "../src/outputs/postgres-store.js";
import { outputName } from "../src/outputs/store.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { bytesOf, DATA, expectRanges, streamOf } from "./support/output-store-checks.js";
import { pgQuery, testSchema } from "./support/postgres.js";

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
    await pgQuery(
      `UPDATE "${db.schema}".outputs SET created_at = now() - interval '2 minutes',
        expires_at = now() - interval '1 minute' WHERE name = $1`,
      [old],
    );
    expect(await store.get(old)).toBeUndefined();
    expect(await store.cleanup(Date.now())).toBe(1);
    expect(await store.get(fresh)).toBeDefined();
    expect(await store.get("../../etc/passwd")).toBeUndefined();
    await store.delete(fresh);
    expect(await store.get(fresh)).toBeUndefined();
  });
});

describe("PostgreSQL store shared by broadcasters with different retention", () => {
  const db = testSchema("outputs_ret");
  const s = `"${db.schema}"`;
  const short = new PostgresOutputStore({ url: db.url, schema: db.schema, retentionMs: 200 });
  const long = new PostgresOutputStore({ url: db.url, schema: db.schema, retentionMs: 3600_000 });
  beforeAll(async () => {
    await short.init();
    await long.init();
  });
  afterAll(async () => {
    await short.close();
    await long.close();
    await db.drop();
  });
  /** Stores an output as a broadcaster of the release before expires_at did: no expiry of its own. */
  const putLegacy = async (age: string) => {
    const name = outputName("png");
    await pgQuery(
      `INSERT INTO ${s}.outputs (name, content_type, size, created_at) VALUES ($1, 'image/png', 1, now() - $2::interval)`,
      [name, age],
    );
    await pgQuery(`INSERT INTO ${s}.output_chunks (name, seq, data) VALUES ($1, 0, '\\x01')`, [name]);
    return name;
  };

  it("keeps each output for the retention of the broadcaster that stored it, whoever reads or sweeps", async () => {
    const mine = outputName("png");
    const theirs = outputName("png");
    await short.put(mine, Buffer.from(DATA), "image/png");
    await long.put(theirs, Buffer.from(DATA), "image/png");
    await new Promise((r) => setTimeout(r, 300));
    // The short-lived broadcaster's output is gone for both; the long-lived one's is there for both.
    expect(await short.get(mine)).toBeUndefined();
    expect(await long.stat(mine)).toBeUndefined();
    expect(await short.stat(theirs)).toEqual({ contentType: "image/png", size: DATA.length });
    expect(await short.cleanup(Date.now())).toBe(1);
    expect(await long.cleanup(Date.now())).toBe(0);
    expect(Buffer.compare(await bytesOf((await short.get(theirs))!.body), DATA)).toBe(0);
    expect(await pgQuery(`SELECT name FROM ${s}.outputs`)).toEqual([{ name: theirs }]);
    await long.delete(theirs);
  });

  it("keeps an output at least as long as its job asks, when longer than the storing broadcaster's retention", async () => {
    // An asynchronous job accepted by a broadcaster of an hour's retention, run by one of 200 ms.
    const output = outputName("png");
    await short.put(output, Buffer.from(DATA), "image/png", DATA.length, 3600_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await short.cleanup(Date.now())).toBe(0);
    expect(await short.stat(output)).toEqual({ contentType: "image/png", size: DATA.length });
    expect(await long.stat(output)).toEqual({ contentType: "image/png", size: DATA.length });
    await long.delete(output);
  });

  it("keeps outputs an older release stored by the reading or sweeping broadcaster's retention", async () => {
    const legacy = await putLegacy("10 minutes");
    expect(await short.get(legacy)).toBeUndefined();
    expect(await long.stat(legacy)).toEqual({ contentType: "image/png", size: 1 });
    expect(await long.cleanup(Date.now())).toBe(0);
    expect(await short.cleanup(Date.now())).toBe(1);
    expect(await long.get(legacy)).toBeUndefined();
  });
});

describe("PostgreSQL output tables of version 1", () => {
  const db = testSchema("outputs_v1");
  afterAll(() => db.drop());

  it("are migrated to expires_at at start, keeping their outputs by this broadcaster's retention", async () => {
    const s = `"${db.schema}"`;
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrateTables(pool, s, "outputs", outputMigrations(s).slice(0, 1));
    } finally {
      await pool.end();
    }
    const old = outputName("png");
    await pgQuery(`INSERT INTO ${s}.outputs (name, content_type, size) VALUES ($1, 'image/png', 1)`, [old]);
    await pgQuery(`INSERT INTO ${s}.output_chunks (name, seq, data) VALUES ($1, 0, '\\x01')`, [old]);
    const store = new PostgresOutputStore({ url: db.url, schema: db.schema, retentionMs: 3600_000 });
    await store.init();
    try {
      expect(await pgQuery(`SELECT version, oldest_reader FROM ${s}.schema_versions WHERE store = 'outputs'`)).toEqual([
        { version: 2, oldest_reader: 1 },
      ]);
      expect(await store.stat(old)).toEqual({ contentType: "image/png", size: 1 });
      const fresh = outputName("png");
      await store.put(fresh, Buffer.from(DATA), "image/png");
      const rows = await pgQuery<{ name: string; hours: number | null }>(
        `SELECT name, round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM ${s}.outputs
          ORDER BY expires_at NULLS FIRST`,
      );
      expect(rows).toEqual([
        { name: old, hours: null },
        { name: fresh, hours: 1 },
      ]);
      expect(await store.cleanup(Date.now())).toBe(0);
    } finally {
      await store.close();
    }
  });
});
