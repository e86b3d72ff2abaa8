/**
 * @module Connections to the PostgreSQL job store under time limits. Without them a database host that dies without
 * resetting its connections (they stay open and silent) hangs every query for as long as the kernel keeps the
 * socket: node-postgres has no default limit on connecting, on a query or on ending a connection. Every pool and
 * client of the store is made here: connecting, waiting for a pooled connection and each query are bounded by the
 * store's `timeoutMs` (the server cancels a statement past it too), TCP keep-alive is on, and closing a pool gives
 * up on connections that do not close within its own limit (their sockets are destroyed).
 */
import type pg from "pg";

/** Default of the store's time limit, ms: connecting, waiting for a pooled connection, one query. */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The node-postgres settings of a connection under the time limit `timeoutMs`: connecting (and, in a pool, waiting
 * for a connection) and each query on the client's side, each statement on the server's side.
 * @example new pg.Pool({ connectionString: url, ...limitedConnection(5000) })
 */
export function limitedConnection(timeoutMs: number): pg.ClientConfig & pg.PoolConfig {
  return {
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    // Kernel probes only notice a host that is gone for good (minutes); the time limits above do the real work.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * Whether `err` says the connection a statement ran on was lost: its backend ended (`pg_terminate_backend`, a fast
 * shutdown: SQLSTATE 57P01), or its socket reset or closed under it (a pooler or a failover restarting). Not a time
 * limit, nor a database that refuses new connections: there a new connection would fail too. The server rolls back
 * the open transaction of a lost connection, so a transaction whose `COMMIT` was not sent may run again.
 * @example lostConnection(Object.assign(new Error("terminating connection …"), { code: "57P01" })) // true
 */
export function lostConnection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "57P01" || code === "ECONNRESET" || code === "EPIPE") return true;
  return err instanceof Error && /Connection terminated unexpectedly|not queryable/i.test(err.message);
}

/**
 * How many times a statement or transaction that lost its connection runs on `pool` at most: once per connection the
 * pool may hold, and once more on a new one. A restart or a `pg_terminate_backend` sweep ends every pooled
 * connection at once, and the pool may hand out another dead one before it hears that it died; each such try fails
 * at once, and a database that is really down fails the new connection in another way (refused, silent), which is
 * not tried again.
 * @example for (let attempt = 1; attempt <= lostConnectionTries(pool); attempt++) …
 */
export function lostConnectionTries(pool: pg.Pool): number {
  return ((pool as { options?: { max?: number } }).options?.max ?? 10) + 1;
}

/**
 * Runs a statement that may run more than once (a read, or a delete by key) on `pool`, again on another connection
 * while the one it drew was lost (see {@link lostConnection}, {@link lostConnectionTries}): without it, each pooled
 * connection a database restart or `pg_terminate_backend` ended fails the request that draws it.
 * @example const { rows } = await idempotentQuery(pool, "SELECT size FROM outputs WHERE name = $1", [name]);
 */
export async function idempotentQuery<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<R>(text, values);
    } catch (err) {
      if (!lostConnection(err) || attempt >= lostConnectionTries(pool)) throw err;
    }
  }
}

/**
 * A `postgres://` URL without its password, for messages.
 * @example shownUrl("postgres://avs:secret@db:5432/avs") // "postgres://avs@db:5432/avs"
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, "***");
    return u.href.replace(/%2A/g, "*");
  } catch {
    return "(an unparsable URL)";
  }
}

/**
 * A pool whose `end` is bounded: `close(ms)` waits at most `ms` for its connections to close, then destroys the
 * sockets of those left (a silent connection never answers the goodbye `end` waits for).
 * @example const { pool, close } = limitedPool(pg, { connectionString: url, max: 6 }, 5000); … await close(1000);
 */
export function limitedPool(
  pgModule: typeof pg,
  config: pg.PoolConfig,
  timeoutMs: number,
): { pool: pg.Pool; close(ms: number): Promise<void> } {
  const pool = new pgModule.Pool({ ...limitedConnection(timeoutMs), ...config });
  const clients = new Set<pg.PoolClient>();
  pool.on("connect", (client) => clients.add(client));
  pool.on("remove", (client) => clients.delete(client));
  let ended: Promise<void> | undefined;
  return {
    pool,
    async close(ms) {
      ended ??= pool.end().catch(() => {});
      if (await settlesWithin(ended, ms)) return;
      for (const client of clients) destroySocket(client);
      await settlesWithin(ended, 100);
    },
  };
}

/**
 * Destroys the socket of a node-postgres client (a silent connection's `end()` would wait forever).
 * @example destroySocket(client);
 */
export function destroySocket(client: pg.ClientBase): void {
  (client as pg.Client).connection?.stream?.destroy();
}

/**
 * Whether `p` settles within `ms` (it is left running either way).
 * @example if (!(await settlesWithin(stop(), 1000))) log.warn("still stopping");
 */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
