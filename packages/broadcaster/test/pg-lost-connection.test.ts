/**
 * @module A pooled PostgreSQL connection found dead when it is next used (its backend ended by a restart, a pooler
 * or `pg_terminate_backend`) costs no request: a read and a transaction not yet sent its `COMMIT` run once more on a
 * new connection. A transaction that read a stream it cannot read again, or lost its connection at `COMMIT`, fails
 * as before. The connections go through a TCP proxy that resets the one sending a chosen statement.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idempotentQuery, lostConnection } from "../src/async-jobs/postgres-connection.js";
import { transaction } from "../src/async-jobs/postgres-schema.js";
import { PostgresOutputStore } from "../src/outputs/postgres-store.js";
import { outputName } from "../src/outputs/store.js";
import { bytesOf, DATA, streamOf } from "./support/output-store-checks.js";
import { type PgProxy, startPgProxy } from "./support/pg-proxy.js";
import { pgQuery, testSchema } from "./support/postgres.js";

describe("a pooled connection lost under a statement", () => {
  const db = testSchema("lostconn");
  let proxy: PgProxy;
  let store: PostgresOutputStore;
  let pool: pg.Pool;
  beforeAll(async () => {
    proxy = await startPgProxy();
    store = new PostgresOutputStore({ url: proxy.url, schema: db.schema, retentionMs: 60_000 });
    await store.init();
    pool = new pg.Pool({ connectionString: proxy.url, max: 2 });
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await proxy.close();
    await db.drop();
  });

  const chunkRows = (name: string) =>
    pgQuery(`SELECT seq FROM "${db.schema}".output_chunks WHERE name = $1`, [name]).then((r) => r.length);

  it("stores an output whose connection was lost at BEGIN, or inside the transaction, once", async () => {
    for (const statement of ["BEGIN", "INSERT INTO", "UPDATE"]) {
      const name = outputName("png");
      proxy.resetOn(statement);
      await store.put(name, Buffer.from(DATA), "image/png");
      expect(Buffer.compare(await bytesOf((await store.get(name))!.body), DATA), statement).toBe(0);
      expect(await chunkRows(name), statement).toBe(1);
    }
    // A streamed output that fits in one chunk is read whole first, so it can be stored again too.
    const name = outputName("png");
    proxy.resetOn("INSERT INTO");
    await store.put(name, streamOf(DATA), "image/png");
    expect(await chunkRows(name)).toBe(1);
  });

  it("gets through a restart that ended every pooled connection at once", async () => {
    // Every connection of both pools open and idle, then each one dead when it is next used.
    const busy = (n: number, run: () => Promise<unknown>) => Promise.all(Array.from({ length: n }, run));
    await busy(4, () => store.put(outputName("png"), Buffer.from(DATA.subarray(0, 1000)), "image/png"));
    await busy(2, () => pool.query("SELECT pg_sleep(0.05)"));
    proxy.resetAllOnUse();
    const name = outputName("png");
    await store.put(name, Buffer.from(DATA), "image/png");
    expect(Buffer.compare(await bytesOf((await store.get(name))!.body), DATA)).toBe(0);
    proxy.resetAllOnUse();
    expect((await idempotentQuery<{ n: number }>(pool, "SELECT 7 AS n", [])).rows).toEqual([{ n: 7 }]);
  });

  it("fails a streamed output past one chunk that lost its connection after reading on, and keeps nothing", async () => {
    const big = new Uint8Array(1.5 * 1024 * 1024).fill(7);
    const name = outputName("mp4");
    proxy.resetOn("UPDATE");
    await expect(store.put(name, streamOf(big), "video/mp4")).rejects.toSatisfy(lostConnection);
    expect(await store.get(name)).toBeUndefined();
    expect(await chunkRows(name)).toBe(0);
  });

  it("does not run a transaction again when its connection was lost at COMMIT (it may have committed)", async () => {
    let runs = 0;
    proxy.resetOn("COMMIT");
    await expect(
      transaction(pool, async (q) => {
        runs += 1;
        await q.query("SELECT 1");
      }),
    ).rejects.toSatisfy(lostConnection);
    expect(runs).toBe(1);
  });

  it("reads again on a new connection, and leaves other errors to the caller", async () => {
    await pool.query("SELECT 1");
    proxy.resetOn("SELECT 41");
    expect((await idempotentQuery<{ n: number }>(pool, "SELECT 41 + $1::int AS n", [1])).rows).toEqual([{ n: 42 }]);
    await expect(idempotentQuery(pool, "SELECT 1/0", [])).rejects.toThrow(/division by zero/);
  });

  it("tells a lost connection from a time limit or a refused one", () => {
    const err = (message: string, code?: string) => Object.assign(new Error(message), { code });
    expect(lostConnection(err("terminating connection due to administrator command", "57P01"))).toBe(true);
    expect(lostConnection(err("read ECONNRESET", "ECONNRESET"))).toBe(true);
    expect(lostConnection(err("Connection terminated unexpectedly"))).toBe(true);
    expect(lostConnection(err("Query read timeout"))).toBe(false);
    expect(lostConnection(err("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(false);
    expect(lostConnection(err("the database system is starting up", "57P03"))).toBe(false);
  });
});
