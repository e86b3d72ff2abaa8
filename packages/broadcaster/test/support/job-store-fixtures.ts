/**
 * @module The job stores the store tests open, one per test database: SQLite in a temporary file, PostgreSQL in a
 * schema of the test's own (both removed after the test file); and workers that record what they are given.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { PostgresJobStore } from "../../src/async-jobs/postgres-store.js";
import { SqliteJobStore } from "../../src/async-jobs/sqlite-store.js";
import type { Claim, HeldJob, JobStore } from "../../src/async-jobs/store.js";
import { testSchema } from "./postgres.js";

/**
 * The stores by kind: each opens its own database (`label`); opening a label twice gives two stores on one database
 * (two broadcasters). Call it at a test file's top level: it removes what it made after the file.
 * @example const { stores, recorder } = jobStoreFixtures("avs-job-stores-");
 */
export function jobStoreFixtures(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const schemas = new Map<string, ReturnType<typeof testSchema>>();
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const db of schemas.values()) await db.drop();
  });

  /** Each test opens its own database (`label`); opening a label twice gives two stores on one database. */
  const stores: Array<[string, (label: string) => JobStore]> = [
    ["SQLite", (label) => new SqliteJobStore(join(dir, `${label}.sqlite`))],
    [
      "PostgreSQL",
      (label) => {
        const db = schemas.get(label) ?? testSchema(label.toLowerCase());
        schemas.set(label, db);
        return new PostgresJobStore({ url: db.url, schema: db.schema });
      },
    ],
  ];

  /** Workers that record what they are given and run each job until the test settles it. */
  function recorder(holder: string, leaseMs: number) {
    const claims: Claim[] = [];
    const beats: HeldJob[][] = [];
    const waiting = new Map<string, () => void>();
    return {
      claims,
      beats,
      release: (id: string) => {
        waiting.get(id)?.();
        waiting.delete(id);
      },
      workers: {
        holder,
        concurrency: 4,
        leaseMs,
        deliveryTimeoutMs: 1000,
        runJob: (claim: Claim) => {
          claims.push(claim);
          return new Promise<void>((r) => waiting.set(claim.job.id, r));
        },
        deliver: async () => ({ ok: true }),
        running: () => [...waiting.keys()],
        onHeartbeat: (held: HeldJob[]) => beats.push(held),
      },
    };
  }
  return { stores, recorder };
}
