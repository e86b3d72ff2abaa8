/**
 * @module The stores' table versions: a new database gets this build's version recorded; tables made before
 * versions were recorded keep their rows and become version 1; a later migration runs once even when two
 * broadcasters start together, and not at all (nothing half done) when one of its statements fails; tables a newer
 * release changed compatibly are worked on with a warning, incompatibly refused at start with both versions named.
 * PostgreSQL in schemas of this test's own, SQLite in temporary files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { jobMigrations, migrateTables, pgNames } from "../src/async-jobs/postgres-schema.js";
import { PostgresJobStore } from "../src/async-jobs/postgres-store.js";
import { logMigration, type Migration, migrationPlan } from "../src/async-jobs/schema-versions.js";
import { migrateSqlite, SQLITE_MIGRATIONS } from "../src/async-jobs/sqlite-schema.js";
import { SqliteJobStore } from "../src/async-jobs/sqlite-store.js";
import type { JobStore } from "../src/async-jobs/store.js";
import { PostgresOutputStore } from "../src/outputs/postgres-store.js";
import { newJob } from "./support/new-job.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "avs-store-versions-"));
const schemas: Array<ReturnType<typeof testSchema>> = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const db of schemas) await db.drop();
});
const newSchema = (label: string) => {
  const db = testSchema(label);
  schemas.push(db);
  return db;
};

const m = (version: number, over: Partial<Migration> = {}): Migration => ({
  version,
  summary: `step ${version}`,
  sql: "",
  ...over,
});

/**
 * Checks a store just migrated from version 2 that holds job `j1`, ended 10 minutes before by an older release:
 * `j1` goes by the sweeping broadcaster's retention (kept by a sweep of an hour, removed by one of a minute), while a
 * job made and ended now with a retention of a minute keeps it.
 */
async function expectOldRuleForOldJobs(store: JobStore): Promise<void> {
  const { id } = (await store.create(newJob(), { keepMs: 60_000 })).job;
  await store.requestCancel(id);
  expect(await store.cleanup(Date.now() - 3600_000)).toBe(0);
  expect(await store.get("j1")).toMatchObject({ status: "succeeded" });
  expect(await store.cleanup(Date.now() - 60_000)).toBe(1);
  expect(await store.get("j1")).toBeUndefined();
}

/** A log that keeps its lines. */
function lines() {
  const seen: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => seen.push({ level, msg, fields });
  return { seen, log: { info: at("info"), warn: at("warn"), error: at("error") } };
}

describe("migrationPlan", () => {
  const three = [m(1), m(2), m(3)];
  it("runs every migration on a new database and what is missing on an older one", () => {
    expect(migrationPlan("jobs", "x", undefined, three)).toMatchObject({
      pending: three,
      result: { version: 3, oldestReader: 1, known: 3 },
    });
    expect(migrationPlan("jobs", "x", { version: 1, oldestReader: 1 }, three).pending).toEqual([m(2), m(3)]);
    expect(migrationPlan("jobs", "x", { version: 3, oldestReader: 1 }, three).pending).toEqual([]);
  });

  it("raises the oldest reader only for a migration that breaks older broadcasters", () => {
    const breaking = [m(1), m(2, { breaksOlder: true }), m(3)];
    expect(migrationPlan("jobs", "x", { version: 1, oldestReader: 1 }, breaking).result).toMatchObject({
      version: 3,
      oldestReader: 2,
    });
    expect(migrationPlan("jobs", "x", { version: 2, oldestReader: 2 }, three).result.oldestReader).toBe(2);
  });

  it("works on newer tables older code can read, and refuses the others naming both versions", () => {
    expect(migrationPlan("jobs", "x", { version: 5, oldestReader: 3 }, three)).toMatchObject({
      pending: [],
      result: { version: 5, oldestReader: 3 },
    });
    expect(() => migrationPlan("jobs", 'schema "avs"', { version: 5, oldestReader: 4 }, three)).toThrow(
      'the jobs tables in schema "avs" are at version 5, which needs a broadcaster that knows version 4 or later; ' +
        "this broadcaster knows versions up to 3",
    );
  });

  it("logs a migration of recorded tables and newer tables, not the creation of new ones", () => {
    const { seen, log } = lines();
    logMigration(log, "jobs", { from: 0, version: 1, oldestReader: 1, known: 1, ran: ["step 1"] });
    logMigration(log, "jobs", { from: 1, version: 2, oldestReader: 1, known: 2, ran: ["step 2"] });
    logMigration(log, "jobs", { from: 2, version: 2, oldestReader: 1, known: 2, ran: [] });
    expect(seen).toEqual([
      {
        level: "info",
        msg: "jobs tables migrated",
        fields: { store: "jobs", from_version: 1, to_version: 2, ran: ["step 2"] },
      },
    ]);
  });

  it("refuses a list that is not numbered 1, 2, … in order", () => {
    expect(() => migrationPlan("jobs", "x", undefined, [m(1), m(3)])).toThrow("migration 2 is numbered 3");
    expect(() => migrationPlan("jobs", "x", undefined, [])).toThrow("at least one migration");
  });
});

describe("PostgreSQL", () => {
  const versions = (schema: string) =>
    pgQuery<{ store: string; version: number; oldest_reader: number }>(
      `SELECT store, version, oldest_reader FROM "${schema}".schema_versions ORDER BY store`,
    );

  it("records this build's versions of the job and output stores in a new schema", async () => {
    const db = newSchema("ver_new");
    const store = new PostgresJobStore({ url: db.url, schema: db.schema });
    await store.init();
    const outputs = new PostgresOutputStore({ url: db.url, schema: db.schema, retentionMs: 60_000 });
    await outputs.init();
    await store.close();
    await outputs.close();
    expect(await versions(db.schema)).toEqual([
      { store: "jobs", version: 3, oldest_reader: 1 },
      { store: "outputs", version: 2, oldest_reader: 1 },
    ]);
  });

  it("keeps the rows of tables made before versions were recorded (version 1), and migrates them", async () => {
    const db = newSchema("ver_old");
    const names = pgNames(db.schema);
    await pgQuery(jobMigrations(names)[0]!.sql);
    await pgQuery(`INSERT INTO ${names.s}.jobs (id, owner, pipeline, model_id, request_id, base_url, multipart,
      units, inputs, status, progress) VALUES ('j1', 'o', 'upscale', 'm', 'r', 'http://x', true, 1, '{}', 'queued',
      '{"fraction":0}')`);
    const { seen, log } = lines();
    const store = new PostgresJobStore({ url: db.url, schema: db.schema, log });
    await store.init();
    expect(await store.get("j1")).toMatchObject({ status: "queued", takeovers: 0 });
    await store.close();
    expect(await versions(db.schema)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);
    // Recording the version of tables that were there is not news; migrating them from a recorded one is.
    expect(seen).toEqual([]);
  });

  it("migrates jobs tables of version 2, keeping their jobs by the sweeping broadcaster's retention", async () => {
    const db = newSchema("ver_keep");
    const names = pgNames(db.schema);
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrateTables(pool, names.s, "jobs", jobMigrations(names).slice(0, 2));
    } finally {
      await pool.end();
    }
    await pgQuery(`INSERT INTO ${names.s}.jobs (id, owner, pipeline, model_id, request_id, base_url, multipart,
      units, inputs, status, progress, finished_at) VALUES ('j1', 'o', 'upscale', 'm', 'r', 'http://x', true, 1,
      '{}', 'succeeded', '{"fraction":1}', now() - interval '10 minutes')`);
    const store = new PostgresJobStore({ url: db.url, schema: db.schema });
    await store.init();
    try {
      expect(await versions(db.schema)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);
      await expectOldRuleForOldJobs(store);
      const kept = await pgQuery<{ keep_ms: string; seconds: number }>(
        `SELECT keep_ms, round(extract(epoch FROM expires_at - finished_at))::int AS seconds FROM ${names.s}.jobs`,
      );
      expect(kept).toEqual([{ keep_ms: "60000", seconds: 60 }]);
    } finally {
      await store.close();
    }
  });

  it("runs a later migration once when two broadcasters start together, and keeps using the store", async () => {
    const db = newSchema("ver_two");
    const names = pgNames(db.schema);
    const first = new PostgresJobStore({ url: db.url, schema: db.schema });
    await first.init();
    const { id } = (await first.create(newJob())).job;
    const next = [
      ...jobMigrations(names),
      m(4, { sql: `ALTER TABLE ${names.s}.jobs ADD COLUMN priority integer NOT NULL DEFAULT 0` }),
    ];
    const { default: pg } = await import("pg");
    const pools = [new pg.Pool({ connectionString: db.url }), new pg.Pool({ connectionString: db.url })];
    const results = await Promise.all(pools.map((p) => migrateTables(p, names.s, "jobs", next)));
    await Promise.all(pools.map((p) => p.end()));
    expect(results.map((r) => r.ran).sort()).toEqual([[], ["step 4"]]);
    expect(results.map((r) => r.from).sort()).toEqual([3, 4]);
    expect(await versions(db.schema)).toEqual([{ store: "jobs", version: 4, oldest_reader: 1 }]);
    expect(await pgQuery(`SELECT priority FROM ${names.s}.jobs WHERE id = $1`, [id])).toEqual([{ priority: 0 }]);
    // This build's code knows version 3 and works on the compatibly changed tables.
    expect((await first.create(newJob())).job.status).toBe("queued");
    await first.close();
  });

  it("leaves nothing of a migration one of whose statements fails", async () => {
    const db = newSchema("ver_fail");
    const names = pgNames(db.schema);
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrateTables(pool, names.s, "jobs", jobMigrations(names));
      const broken = [
        ...jobMigrations(names),
        m(4, {
          sql: `ALTER TABLE ${names.s}.jobs ADD COLUMN priority integer; SELECT no_such_column FROM ${names.s}.jobs`,
        }),
      ];
      await expect(migrateTables(pool, names.s, "jobs", broken)).rejects.toThrow(/no_such_column/);
    } finally {
      await pool.end();
    }
    expect(await versions(db.schema)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);
    const columns = await pgQuery(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'priority'",
      [db.schema],
    );
    expect(columns).toEqual([]);
  });

  it("works on tables a newer release changed compatibly (a warning), refuses the others at start", async () => {
    const db = newSchema("ver_newer");
    const first = new PostgresJobStore({ url: db.url, schema: db.schema });
    await first.init();
    await first.close();
    await pgQuery(`UPDATE "${db.schema}".schema_versions SET version = 4, oldest_reader = 1 WHERE store = 'jobs'`);
    const { seen, log } = lines();
    const compatible = new PostgresJobStore({ url: db.url, schema: db.schema, log });
    await compatible.init();
    await compatible.close();
    expect(seen).toMatchObject([{ level: "warn", msg: "jobs tables are newer than this broadcaster" }]);
    expect(seen[0]?.fields).toMatchObject({ version: 4, known_version: 3 });

    await pgQuery(`UPDATE "${db.schema}".schema_versions SET oldest_reader = 4 WHERE store = 'jobs'`);
    const refused = new PostgresJobStore({ url: db.url, schema: db.schema });
    await expect(refused.init()).rejects.toThrow(
      `could not open the job store at jobs-db ${db.url} (schema "${db.schema}"): the jobs tables in schema ` +
        `"${db.schema}" are at version 4, which needs a broadcaster that knows version 4 or later; this broadcaster ` +
        "knows versions up to 3. A newer release changed them: run that release (or a later one) here too",
    );
    expect(await versions(db.schema)).toEqual([{ store: "jobs", version: 4, oldest_reader: 4 }]);
  });
});

describe("SQLite", () => {
  const versions = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare("SELECT store, version, oldest_reader FROM schema_versions").all();
    } finally {
      db.close();
    }
  };

  it("records this build's version in a new file and in a file made before versions were recorded, keeping its rows", async () => {
    const fresh = join(dir, "new.sqlite");
    const store = new SqliteJobStore(fresh);
    await store.init();
    await store.close();
    expect(versions(fresh)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);

    const old = join(dir, "old.sqlite");
    const made = new Database(old);
    made.exec(SQLITE_MIGRATIONS[0]!.sql);
    made.exec(`INSERT INTO jobs (id, owner, pipeline, model_id, request_id, base_url, multipart, units, inputs,
      status, progress, created_at) VALUES ('j1', 'o', 'upscale', 'm', 'r', 'http://x', 1, 1, '{}', 'queued',
      '{"fraction":0}', 0)`);
    made.close();
    const { seen, log } = lines();
    const reopened = new SqliteJobStore(old, log);
    await reopened.init();
    expect(await reopened.get("j1")).toMatchObject({ status: "queued", takeovers: 0 });
    await reopened.close();
    expect(versions(old)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);
    expect(seen).toEqual([]);
  });

  it("migrates a file of version 2, keeping its ended jobs by the sweeping broadcaster's retention", async () => {
    const path = join(dir, "keep.sqlite");
    const made = new Database(path);
    migrateSqlite(made, path, SQLITE_MIGRATIONS.slice(0, 2));
    made.exec(`INSERT INTO jobs (id, owner, pipeline, model_id, request_id, base_url, multipart, units, inputs,
      status, progress, created_at, finished_at) VALUES ('j1', 'o', 'upscale', 'm', 'r', 'http://x', 1, 1, '{}',
      'succeeded', '{"fraction":1}', 0, ${Date.now() - 600_000})`);
    made.close();
    const store = new SqliteJobStore(path);
    await store.init();
    try {
      expect(versions(path)).toEqual([{ store: "jobs", version: 3, oldest_reader: 1 }]);
      await expectOldRuleForOldJobs(store);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT keep_ms, expires_at - finished_at AS kept FROM jobs").all()).toEqual([
        { keep_ms: 60_000, kept: 60_000 },
      ]);
    } finally {
      db.close();
    }
  });

  it("runs a later migration once, rolls a failing one back, and refuses tables it cannot work on", async () => {
    const path = join(dir, "later.sqlite");
    const store = new SqliteJobStore(path);
    await store.init();
    await store.close();
    const db = new Database(path);
    try {
      const next = [
        ...SQLITE_MIGRATIONS,
        m(4, { sql: "ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0" }),
      ];
      expect(migrateSqlite(db, path, next)).toMatchObject({ from: 3, version: 4, ran: ["step 4"] });
      expect(migrateSqlite(db, path, next)).toMatchObject({ from: 4, version: 4, ran: [] });
      const broken = [
        ...next,
        m(5, { sql: "ALTER TABLE jobs ADD COLUMN rank INTEGER; SELECT no_such_column FROM jobs" }),
      ];
      expect(() => migrateSqlite(db, path, broken)).toThrow(/no_such_column/);
      const columns = db.prepare("SELECT name FROM pragma_table_info('jobs') WHERE name IN ('priority', 'rank')").all();
      expect(columns).toEqual([{ name: "priority" }]);
      db.prepare("UPDATE schema_versions SET oldest_reader = 4").run();
    } finally {
      db.close();
    }
    expect(versions(path)).toEqual([{ store: "jobs", version: 4, oldest_reader: 4 }]);
    await expect(new SqliteJobStore(path).init()).rejects.toThrow(
      `could not open the job store at jobs-db ${path}: the jobs tables in the file are at version 4, which needs a broadcaster that knows version 4 or later; ` +
        "this broadcaster knows versions up to 3",
    );
  });
});
