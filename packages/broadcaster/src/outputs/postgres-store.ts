/**
 * @module Outputs in PostgreSQL, for several broadcasters behind one address without a shared filesystem or a
 * bucket: each output is a row of metadata and its bytes in 1 MiB chunks, written in one transaction (so a half
 * stored output is never served) and streamed back chunk by chunk; a range reads only the parts of the chunks it
 * covers. Every connection works under the job store's time limit (`jobs-db-timeout-ms`), so a silent database
 * fails a read or a write instead of hanging it. Each output keeps the retention of the broadcaster that stored it
 * (its row's `expires_at`), as an object store's lifecycle rule applies per object: broadcasters sharing the tables
 * with different `output-retention-ms` neither hide nor remove each other's outputs before their time.
 */
import { type ByteRange, rangePart } from "@ai-video-subnet/server-kit";
import type pg from "pg";
import { DEFAULT_TIMEOUT_MS, idempotentQuery, limitedPool } from "../async-jobs/postgres-connection.js";
import { migrateTables, pgNames, transaction } from "../async-jobs/postgres-schema.js";
import type { Migration } from "../async-jobs/schema-versions.js";
import {
  emptyBody,
  mediaTypeOf,
  OUTPUT_NAME,
  type OutputBody,
  type OutputInfo,
  type OutputStore,
  type StoredOutput,
} from "./store.js";

/** Largest chunk row, bytes. */
const CHUNK = 1024 * 1024;

/** Where the outputs are. */
export interface PostgresOutputStoreOptions {
  url: string;
  /** Schema of the tables (the job store's, when they share a database). */
  schema: string;
  /**
   * How long the outputs this store stores are kept, ms; also how long those an older release stored (with no
   * expiry of their own) are, from when they were stored.
   */
  retentionMs: number;
  /**
   * Longest connecting, waiting for a pooled connection, or one query may take, ms (the job store's
   * `jobs-db-timeout-ms`; default 5000): a database that goes silent fails a read or a write instead of hanging it.
   */
  timeoutMs?: number;
}

/**
 * An output store on PostgreSQL.
 * @example const store = new PostgresOutputStore({ url, schema: "avs", retentionMs: 86_400_000 }); await store.init();
 */
export class PostgresOutputStore implements OutputStore {
  readonly #url: string;
  readonly #s: string;
  readonly #retentionMs: number;
  readonly #timeoutMs: number;
  #pool: pg.Pool | undefined;
  #closePool: ((ms: number) => Promise<void>) | undefined;

  constructor(o: PostgresOutputStoreOptions) {
    this.#url = o.url;
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#s = pgNames(o.schema).s;
    this.#retentionMs = o.retentionMs;
  }

  /** The connection pool (once `init()` has run). */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error("the PostgreSQL output store is not open (call init first)");
    return this.#pool;
  }

  /** Connects and creates the tables when missing. */
  async init(): Promise<void> {
    const { default: pg } = await import("pg");
    const { pool, close } = limitedPool(
      pg,
      { connectionString: this.#url, max: 4, application_name: "avs-broadcaster-outputs" },
      this.#timeoutMs,
    );
    this.#closePool = close;
    // A dropped connection fails the call that used it; the pool replaces it.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    this.#pool = pool;
    const s = this.#s;
    await migrateTables(this.pool, s, "outputs", outputMigrations(s));
  }

  async put(name: string, body: OutputBody, contentType: string, _size?: number, keepMs = 0): Promise<string> {
    const chunks = (body instanceof Uint8Array ? once(body) : (body as AsyncIterable<Uint8Array>))[
      Symbol.asyncIterator
    ]();
    // The first chunk's worth is read before the transaction: an output that fits in it (most images) is then held
    // whole, and the transaction can run again on a new connection if its pooled one was lost (see `transaction`).
    const { bytes: first, ended } = await readUpTo(chunks, CHUNK);
    const whole = ended || body instanceof Uint8Array;
    try {
      return await transaction(
        this.pool,
        async (q) => {
          // The output keeps this broadcaster's retention (or its job's, when longer: the job of a broadcaster with a
          // longer one, run here), whichever broadcaster reads or sweeps it later.
          await q.query(
            `INSERT INTO ${this.#s}.outputs (name, content_type, size, expires_at)
            VALUES ($1, $2, 0, now() + $3 * interval '1 millisecond')`,
            [name, contentType, Math.max(this.#retentionMs, keepMs)],
          );
          let size = first.length;
          let seq = 0;
          let pending = first;
          const insert = (data: Buffer) =>
            q.query(`INSERT INTO ${this.#s}.output_chunks (name, seq, data) VALUES ($1, $2, $3)`, [name, seq++, data]);
          // Every chunk row but the last holds CHUNK bytes (get() relies on it).
          const insertFull = async () => {
            for (; pending.length >= CHUNK; pending = pending.subarray(CHUNK)) await insert(pending.subarray(0, CHUNK));
          };
          await insertFull();
          for (let next = ended ? undefined : await chunks.next(); next && !next.done; next = await chunks.next()) {
            pending = Buffer.concat([pending, next.value]);
            size += next.value.byteLength;
            await insertFull();
          }
          if (pending.length > 0 || seq === 0) await insert(pending);
          await q.query(`UPDATE ${this.#s}.outputs SET size = $2 WHERE name = $1`, [name, size]);
          return name;
        },
        whole,
      );
    } catch (err) {
      // As a `for await` would: a stream given up on is cancelled.
      await chunks.return?.().catch(() => {});
      throw err;
    }
  }

  /**
   * The output's size, when it is stored and within its retention time: its own (`expires_at`, set by the
   * broadcaster that stored it), or this broadcaster's from `created_at` for a row an older release stored.
   */
  async #size(name: string): Promise<number | undefined> {
    if (!OUTPUT_NAME.test(name)) return undefined;
    const { rows } = await idempotentQuery<{ size: string }>(
      this.pool,
      `SELECT size FROM ${this.#s}.outputs
        WHERE name = $1 AND COALESCE(expires_at, created_at + $2 * interval '1 millisecond') >= now()`,
      [name, this.#retentionMs],
    );
    const row = rows[0];
    return row === undefined ? undefined : Number(row.size);
  }

  async get(name: string, range?: ByteRange): Promise<StoredOutput | undefined> {
    const size = await this.#size(name);
    if (size === undefined) return undefined;
    const contentType = mediaTypeOf(name);
    const part = rangePart(range, size);
    if (part === "unsatisfiable" || size === 0) return { body: emptyBody(), contentType, size, part };
    // Every chunk but the last holds CHUNK bytes (put() cuts them so), so byte `at` is in chunk `at / CHUNK`; each
    // pull sends only the bytes of one chunk that are asked for (`substring` reads only those of an uncompressed
    // TOAST value).
    const { pool } = this;
    const s = this.#s;
    const { start, end } = part ?? { start: 0, end: size - 1 };
    let at = start;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const offset = at % CHUNK;
        const length = Math.min(CHUNK - offset, end + 1 - at);
        const { rows } = await idempotentQuery<{ data: Buffer }>(
          pool,
          `SELECT substring(data FROM $3 FOR $4) AS data FROM ${s}.output_chunks WHERE name = $1 AND seq = $2`,
          [name, Math.floor(at / CHUNK), offset + 1, length],
        );
        const data = rows[0]?.data;
        // A chunk gone (the output deleted meanwhile) or shorter than its place says: end the answer with an error
        // rather than send other bytes than those it announced.
        if (data?.length !== length) {
          controller.error(new Error(`output ${name} changed while it was read`));
          return;
        }
        controller.enqueue(new Uint8Array(data));
        at += length;
        if (at > end) controller.close();
      },
    });
    return { body, contentType, size, part };
  }

  async stat(name: string): Promise<OutputInfo | undefined> {
    const size = await this.#size(name);
    return size === undefined ? undefined : { contentType: mediaTypeOf(name), size };
  }

  async delete(name: string): Promise<void> {
    if (OUTPUT_NAME.test(name))
      await idempotentQuery(this.pool, `DELETE FROM ${this.#s}.outputs WHERE name = $1`, [name]);
  }

  /**
   * Removes the outputs past their own retention (by the database's clock), and those an older release stored
   * (no `expires_at`) made before `now` less this broadcaster's retention; returns how many.
   */
  async cleanup(now: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.#s}.outputs WHERE expires_at < now() OR (expires_at IS NULL AND created_at < $1)`,
      [new Date(now - this.#retentionMs)],
    );
    return rowCount ?? 0;
  }

  /** Closes the pool; connections that do not close within the time limit (a silent database) are dropped. */
  async close(): Promise<void> {
    await this.#closePool?.(this.#timeoutMs);
    this.#pool = undefined;
    this.#closePool = undefined;
  }
}

/** The output store's migrations, in order (see schema-versions.ts); `s` is the quoted schema. */
export function outputMigrations(s: string): Migration[] {
  return [
    {
      version: 1,
      summary: "outputs and output_chunks",
      sql: `CREATE SCHEMA IF NOT EXISTS ${s};
        CREATE TABLE IF NOT EXISTS ${s}.outputs (
          name text PRIMARY KEY,
          content_type text NOT NULL,
          size bigint NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS outputs_created ON ${s}.outputs (created_at);
        CREATE TABLE IF NOT EXISTS ${s}.output_chunks (
          name text NOT NULL REFERENCES ${s}.outputs (name) ON DELETE CASCADE,
          seq integer NOT NULL,
          data bytea NOT NULL,
          PRIMARY KEY (name, seq)
        );`,
    },
    {
      version: 2,
      summary: "outputs.expires_at: each output kept for the retention of the broadcaster that stored it",
      // Nullable, so broadcasters of version 1 keep storing outputs (without it) during a rolling upgrade.
      sql: `ALTER TABLE ${s}.outputs ADD COLUMN IF NOT EXISTS expires_at timestamptz;
        CREATE INDEX IF NOT EXISTS outputs_expires ON ${s}.outputs (expires_at) WHERE expires_at IS NOT NULL;`,
    },
  ];
}

/**
 * Reads `chunks` until `limit` bytes or its end: the bytes read (possibly more than `limit`: whole chunks) and
 * whether it ended.
 */
async function readUpTo(chunks: AsyncIterator<Uint8Array>, limit: number): Promise<{ bytes: Buffer; ended: boolean }> {
  const read: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const next = await chunks.next();
    if (next.done) return { bytes: joined(read, length), ended: true };
    read.push(next.value);
    length += next.value.byteLength;
  }
  return { bytes: joined(read, length), ended: false };
}

/** The chunks as one Buffer: a single chunk as it is (no copy). */
const joined = (chunks: Uint8Array[], length: number) =>
  chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, length) : Buffer.concat(chunks, length);

/** One chunk, as an async iterable. */
async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
}
