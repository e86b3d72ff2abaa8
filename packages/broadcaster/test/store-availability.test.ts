/**
 * @module What a caller is told about a store that cannot be reached, from real node-postgres errors (a closed port,
 * a statement past its time limit, a connection the server ended): a few words, never the database's message, which
 * names its host or statement; and the store's state, which changes (and so is logged) once per change of those
 * words, not at every failed query or probe.
 */
import { createServer } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  Availability,
  JobStoreUnavailableError,
  publicReason,
  type StoreAvailability,
} from "../src/async-jobs/availability.js";
import { PG_URL } from "./support/postgres.js";

/** The error of `fn`, which must throw. */
async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

describe("a store that cannot be reached", () => {
  it("is described in a few words that quote nothing of the database's own message", async () => {
    const port = await closedPort();
    const refused = await errorOf(() => new pg.Client({ host: "127.0.0.1", port, user: "secret_user" }).connect());
    expect(refused.message).toContain(`127.0.0.1:${port}`);
    const timedOut = await errorOf(() =>
      withClient(async (c) => {
        await c.query("SET statement_timeout = 50");
        await c.query("SELECT pg_sleep(1) AS secret_column");
      }),
    );
    expect((timedOut as { code?: string }).code).toBe("57014");
    const ended = await errorOf(() => withClient((c) => c.query("SELECT pg_terminate_backend(pg_backend_pid())")));
    expect((ended as { code?: string }).code).toBe("57P01");

    expect([refused, timedOut, ended].map(publicReason)).toEqual(["cannot connect", "timed out", "connection lost"]);
    // Not an outage: no summary, the app's 500 as before.
    expect(publicReason(await errorOf(() => withClient((c) => c.query("SELECT * FROM no_such_table"))))).toBe(
      undefined,
    );
    const error = new JobStoreUnavailableError(refused.message, { cause: refused });
    expect([error.message, error.reason]).toEqual(["job store unavailable: cannot connect", refused.message]);
  });

  it("changes state once per outage and once per change of its summary, not at every failure", async () => {
    const port = await closedPort();
    const refused = () => errorOf(() => new pg.Client({ host: "127.0.0.1", port }).connect());
    const changes: StoreAvailability[] = [];
    const a = new Availability((now) => changes.push(now));
    for (let i = 0; i < 5; i++) a.failed(await refused());
    expect(changes).toEqual([
      {
        reachable: false,
        reason: expect.stringContaining("ECONNREFUSED"),
        summary: "cannot connect",
        since: expect.any(Number),
      },
    ]);
    const since = (changes[0] as { since: number }).since;
    const read = new Error("Query read timeout");
    a.failed(read);
    a.failed(read);
    expect(changes.slice(1)).toEqual([{ reachable: false, reason: "Query read timeout", summary: "timed out", since }]);
    a.failed(new Error("duplicate key value violates unique constraint"));
    a.succeeded();
    a.succeeded();
    expect(changes.slice(2)).toEqual([{ reachable: true }]);
  });
});
