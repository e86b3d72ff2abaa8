/**
 * @module A TCP proxy on 127.0.0.1 in front of the test database, for job-store outages without touching the shared
 * PostgreSQL: `refuse()` resets every connection and closes the port (connections are refused, as with a stopped
 * database), `blackhole()` stops forwarding and keeps accepting (connections go silent and never close, not even on
 * FIN, as with a database host that died without resetting them), `up()` forwards again (the silent connections are
 * reset: their protocol state is lost). `loseAnswerTo(text)` forwards the next request holding `text` (e.g. a
 * `COMMIT`) and drops the database's answers on that connection from then on: the statement runs, its client never
 * hears so. `resetOn(text)` resets the connection that sends the next request holding `text`, which never reaches
 * the database: a pooled connection found dead when it is next used (its backend ended by a restart or a pooler).
 * `resetAllOnUse()` does that to every connection open now, on its next request: a restart that ended them all.
 */
import { createServer, type Server, Socket } from "node:net";
import { PG_URL } from "./postgres.js";

/** A running proxy. */
export interface PgProxy {
  /** `PG_URL` with the proxy's host and port. */
  url: string;
  port: number;
  mode: "up" | "refuse" | "blackhole";
  /** Connections accepted so far. */
  accepted: number;
  up(): Promise<void>;
  refuse(): Promise<void>;
  blackhole(): void;
  /** The next request holding `text` reaches the database; that connection's answers are dropped from then on. */
  loseAnswerTo(text: string): void;
  /** The next request holding `text` does not reach the database; its connection is reset instead. */
  resetOn(text: string): void;
  /** Every connection open now is reset on its next request, which never reaches the database. */
  resetAllOnUse(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy to the database at `PG_URL`.
 * @example const proxy = await startPgProxy(); … proxy.blackhole(); … await proxy.up(); await proxy.close();
 */
export async function startPgProxy(): Promise<PgProxy> {
  const target = new URL(PG_URL);
  type Pair = { client: Socket; upstream?: Socket; silent: boolean; deaf?: boolean; doomed?: boolean };
  const pairs = new Set<Pair>();
  let mode: PgProxy["mode"] = "up";
  let lose: Buffer | undefined;
  let reset: Buffer | undefined;
  let accepted = 0;
  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const server = createServer({ allowHalfOpen: true }, (client) => {
    accepted += 1;
    const pair: Pair = {
      client,
      silent: mode === "blackhole",
    };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      pair.upstream?.destroy();
      pairs.delete(pair);
    };
    client.on("error", drop);
    client.on("close", drop);
    // A silent connection swallows what it is sent and never answers, ends or resets.
    client.on("data", (d: Buffer) => {
      if (pair.doomed || (reset && d.includes(reset))) {
        if (!pair.doomed) reset = undefined;
        client.resetAndDestroy();
        pair.upstream?.destroy();
        pairs.delete(pair);
        return;
      }
      if (lose && d.includes(lose)) {
        lose = undefined;
        pair.deaf = true;
      }
      if (!pair.silent) pair.upstream?.write(d);
    });
    client.on("end", () => {
      if (!pair.silent) drop();
    });
    if (pair.silent) return;
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.connect(Number(target.port || 5432), target.hostname);
    upstream.on("data", (d) => {
      if (!pair.silent && !pair.deaf) client.write(d);
    });
    upstream.on("error", () => {
      if (!pair.silent) drop();
    });
    upstream.on("close", () => {
      if (!pair.silent) drop();
    });
  });
  await listen(server, 0);
  const port = (server.address() as { port: number }).port;
  const url = new URL(PG_URL);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  const resetAll = () => {
    for (const p of pairs) {
      p.client.resetAndDestroy();
      p.upstream?.destroy();
    }
    pairs.clear();
  };
  return {
    url: url.href,
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    async up() {
      if (mode === "refuse") await listen(server, port);
      if (mode === "blackhole") resetAll();
      mode = "up";
    },
    async refuse() {
      if (mode === "refuse") return;
      mode = "refuse";
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    blackhole() {
      mode = "blackhole";
      for (const p of pairs) p.silent = true;
    },
    loseAnswerTo(text) {
      lose = Buffer.from(text);
    },
    resetOn(text) {
      reset = Buffer.from(text);
    },
    resetAllOnUse() {
      for (const p of pairs) p.doomed = true;
    },
    async close() {
      resetAll();
      if (mode !== "refuse") await new Promise<void>((resolve) => server.close(() => resolve()));
      mode = "refuse";
    },
  };
}
