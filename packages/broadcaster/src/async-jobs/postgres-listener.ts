/**
 * @module Job changes from every broadcaster sharing a PostgreSQL store: one connection that LISTENs on the store's
 * channel (the stores NOTIFY `e:<job id>` with new events and `c:<job id>` with a cancel, delivered at commit). The
 * connection is checked every few seconds and re-opened when it drops or a check fails; after that every listener
 * hears a change of `*` ("anything may have changed"), since notifications sent meanwhile are lost.
 */
import pg from "pg";
import { destroySocket, limitedConnection, settlesWithin } from "./postgres-connection.js";
import type { JobChange } from "./store.js";

/** What a change notification's payload says, or undefined for a payload that is not one. */
export function parseChange(payload: string | undefined): JobChange | undefined {
  const m = /^([ec]):(.+)$/.exec(payload ?? "");
  if (!m) return undefined;
  return { jobId: m[2]!, kind: m[1] === "c" ? "cancel" : "events" };
}

/** How the listener connects and checks its connection. */
export interface ListenerOptions {
  /** Longest connecting or a query may take, ms. */
  timeoutMs: number;
  /** How often the connection is checked with `SELECT 1`, ms: a LISTEN connection gone silent hears nothing. */
  pingMs: number;
  /** Hears each connection or check that succeeded. */
  onUp?: () => void;
  /** Hears each check or (re)connection that failed (not a connection that dropped: it is re-opened at once). */
  onDown?: (err: Error) => void;
}

/**
 * A LISTEN connection that keeps itself open: checked every `pingMs` (a connection that went silent — its host
 * died without resetting it — would otherwise hear nothing, and say nothing, until the kernel gave up on it minutes
 * later), and re-opened when it drops or a check fails.
 * @example const l = new PgChangeListener(url, "avs_jobs", (c) => hub.emit(c), log, { timeoutMs: 5000, pingMs: 2000 }); await l.start();
 */
export class PgChangeListener {
  readonly #url: string;
  readonly #channel: string;
  readonly #onChange: (change: JobChange) => void;
  readonly #onError: (err: Error) => void;
  readonly #o: ListenerOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = 250;
  #timer: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;

  constructor(
    url: string,
    channel: string,
    onChange: (c: JobChange) => void,
    onError: (err: Error) => void,
    options: ListenerOptions,
  ) {
    this.#url = url;
    this.#channel = channel;
    this.#onChange = onChange;
    this.#onError = onError;
    this.#o = options;
  }

  /** Connects and listens; rejects when the first connection fails (within the time limit). */
  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: "avs-broadcaster-listen",
      ...limitedConnection(this.#o.timeoutMs),
    });
    client.on("notification", (n) => {
      const change = parseChange(n.payload);
      if (change) this.#onChange(change);
    });
    client.on("error", (err) => this.#lost(client, err));
    client.on("end", () => this.#lost(client, new Error("Connection terminated unexpectedly")));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (err) {
      client.removeAllListeners("end");
      destroySocket(client);
      throw err;
    }
    if (this.#closed) {
      destroySocket(client);
      return;
    }
    this.#client = client;
    this.#retryMs = 250;
    this.#o.onUp?.();
    let checking = false;
    this.#ping = setInterval(() => {
      if (checking) return;
      checking = true;
      client.query("SELECT 1").then(
        () => {
          checking = false;
          this.#o.onUp?.();
        },
        (err: Error) => this.#lost(client, err, true),
      );
    }, this.#o.pingMs);
    this.#ping.unref();
  }

  #lost(client: pg.Client, err: Error, checkFailed = false): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    clearInterval(this.#ping);
    client.removeAllListeners("end");
    // Not `end()`: on a silent connection it waits forever for the server's goodbye.
    destroySocket(client);
    if (checkFailed) this.#o.onDown?.(err);
    this.#onError(err);
    this.#reconnect();
  }

  #reconnect(): void {
    this.#timer = setTimeout(() => {
      if (this.#closed) return;
      this.start().then(
        () => {
          this.#onChange({ jobId: "*", kind: "events" });
          this.#onChange({ jobId: "*", kind: "cancel" });
        },
        (err: Error) => {
          this.#o.onDown?.(err);
          this.#onError(err);
          this.#retryMs = Math.min(2000, this.#retryMs * 2);
          this.#reconnect();
        },
      );
    }, this.#retryMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    clearInterval(this.#ping);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners("end");
      if (!(await settlesWithin(client.end(), 1000))) destroySocket(client);
    }
  }
}
