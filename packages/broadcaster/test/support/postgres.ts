/**
 * @module A PostgreSQL schema of its own for one test file (the database at `AVS_TEST_PG_URL`, default the local
 * `test` database), dropped afterwards with graphile-worker's queue schema beside it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The database the tests use. */
export const PG_URL = process.env.AVS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh schema name and a `drop()` that removes it (and `<schema>_queue`).
 * @example const db = testSchema("async"); … await db.drop();
 */
export function testSchema(label: string): { url: string; schema: string; drop(): Promise<void> } {
  const schema = `avs_test_${label}_${process.pid}_${randomBytes(3).toString("hex")}`;
  return {
    url: PG_URL,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${schema}_queue" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one query on the test database. */
export async function pgQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The job stores a test runs on, for `describe.each`: SQLite (the default) and PostgreSQL in a schema of its own
 * (`label`), dropped by `cleanups`; each entry is the store's name and the broadcaster options that select it.
 * @example describe.each(jobStores("fair", cleanups))("on %s", (name, store) => { … startBroadcaster({ ...store() }) … });
 */
export function jobStores(label: string, cleanups: Array<() => unknown>) {
  const postgres = (): { jobsDb?: string; jobsDbSchema?: string } => {
    const db = testSchema(label);
    cleanups.push(() => db.drop());
    return { jobsDb: db.url, jobsDbSchema: db.schema };
  };
  return [
    ["SQLite", () => ({}) as { jobsDb?: string; jobsDbSchema?: string }],
    ["PostgreSQL", postgres],
  ] as const;
}
