/**
 * @module Job changes from every broadcaster sharing a PostgreSQL store: one connection that LISTENs on the store's
 * channel (the stores NOTIFY `e:<job id>` with new events and `c:<job id>` with a cancel, delivered at commit). The
 * connection is re-opened when it drops; after that every listener hears a change of `*` ("anything may have
 * changed"), since notifications sent meanwhile are lost.
 */
import pg from "pg";
import type { JobChange } from "./store.js";

/** What a change notification's payload says, or undefined for a payload that is not one. */
export function parseChange(payload: string | undefined): JobChange | undefined {
  const m = /^([ec]):(.+)$/.exec(payload ?? "");
  if (!m) return undefined;
  return { jobId: m[2]!, kind: m[1] === "c" ? "cancel" : "events" };
}

/**
 * A LISTEN connection that keeps itself open.
 * @example const l = new PgChangeListener(url, "avs_jobs", (c) => hub.emit(c), log); await l.start();
 */
export class PgChangeListener {
  readonly #url: string;
  readonly #channel: string;
  readonly #onChange: (change: JobChange) => void;
  readonly #onError: (err: Error) => void;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = 250;
  #timer: NodeJS.Timeout | undefined;

  constructor(url: string, channel: string, onChange: (c: JobChange) => void, onError: (err: Error) => void) {
    this.#url = url;
    this.#channel = channel;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, application_name: "avs-broadcaster-listen" });
    client.on("notification", (n) => {
      const change = parseChange(n.payload);
      if (change) this.#onChange(change);
    });
    client.on("error", (err) => this.#lost(client, err));
    client.on("end", () => this.#lost(client, new Error("connection closed")));
    await client.connect();
    await client.query(`LISTEN "${this.#channel}"`);
    this.#client = client;
    this.#retryMs = 250;
  }

  #lost(client: pg.Client, err: Error): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners("end");
    client.end().catch(() => {});
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
          this.#onError(err);
          this.#retryMs = Math.min(5000, this.#retryMs * 2);
          this.#reconnect();
        },
      );
    }, this.#retryMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners("end");
      await client.end().catch(() => {});
    }
  }
}
