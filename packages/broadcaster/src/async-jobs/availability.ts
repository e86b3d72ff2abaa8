/**
 * @module Whether the job store can be reached: which database errors mean "the store is unavailable" (refused,
 * reset or silent connections, time limits, a database shutting down) rather than a bug, the error the store
 * throws for them (the app answers it with 503 and `Retry-After`), and the store's last known state, which `/ready`
 * reports and whose changes are logged once per outage.
 */

/** `Retry-After` of a 503 for a job or output store that cannot be reached, s. */
export const STORE_RETRY_AFTER_S = 5;

/** Node's socket error codes of a database that cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now: connection exceptions (08…), too many connections and
 * other missing resources (53…), a statement cancelled by `statement_timeout` (57014), and a server shutting down
 * or starting (57P01–57P03).
 */
const SERVER_CODES = /^(08...|53...|57014|57P0[123])$/;

/** What node-postgres and pg-pool say when a connection is lost, silent past its time limit, or refused. */
const CLIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|Cannot use a pool after calling end|timeout expired/i;

/**
 * The codes of a database that cannot be connected to: Node's (refused, no route, no such host) and PostgreSQL's
 * SQLSTATEs of a connection not established or rejected.
 */
const CONNECT_CODES = new Set([
  ...["ECONNREFUSED", "EHOSTUNREACH", "EHOSTDOWN", "ENETUNREACH", "ENETDOWN", "ENOTFOUND", "EAI_AGAIN"],
  ...["08001", "08004"],
]);

/**
 * What anyone may be told of why a store is unavailable: a few words, never the database's own message (which may
 * name its host, user, database or a statement), which goes to the log. Undefined when `err` does not mean the
 * store is unavailable.
 * @example publicReason(Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" }))
 * // "cannot connect"
 */
export function publicReason(err: unknown): string | undefined {
  if (err instanceof StoreUnavailableError) return err.summary;
  if (unavailableReason(err) === undefined) return undefined;
  const e = err as Error & { code?: unknown };
  const inner = err instanceof AggregateError ? (err.errors[0] as { code?: unknown } | undefined) : undefined;
  const code = String(e.code ?? inner?.code ?? "");
  if (code === "ETIMEDOUT" || code === "57014" || /timeout/i.test(e.message)) return "timed out";
  if (CONNECT_CODES.has(code)) return "cannot connect";
  if (code.startsWith("53")) return "the database is out of connections or resources";
  // 57P01 is also a connection ended by pg_terminate_backend: "connection lost" says that better.
  if (code === "57P02" || code === "57P03") return "the database is restarting";
  return "connection lost";
}

/**
 * Why `err` means the store is unavailable, or undefined for any other error (a bug, a constraint violation).
 * @example unavailableReason(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))
 * // "connect ECONNREFUSED 127.0.0.1:5432"
 */
export function unavailableReason(err: unknown): string | undefined {
  if (err instanceof StoreUnavailableError) return err.reason;
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  // Node's happy eyeballs (`localhost` on ::1 and 127.0.0.1) reject with an AggregateError of both attempts.
  const inner = err instanceof AggregateError ? (err.errors[0] as Error | undefined) : undefined;
  const message = err.message || inner?.message || String(code ?? "unknown error");
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SERVER_CODES.test(code))) return message;
  if (CLIENT_MESSAGES.test(err.message)) return message;
  return undefined;
}

/**
 * A store (the job store, or outputs kept in a database) could not be reached, or did not answer within its time
 * limit: the caller may retry later. The app answers it with 503 and `Retry-After` and a `warn` line
 * `<store> unavailable` (with the full `reason`); its message, which callers see, is "<store> unavailable: " and the
 * {@link publicReason} of its cause.
 * @example throw new StoreUnavailableError("output store", "Query read timeout", { cause: err });
 */
export class StoreUnavailableError extends Error {
  /** Which store: `job store` or `output store`. */
  readonly store: string;
  /** What went wrong, in full (for the log). */
  readonly reason: string;
  /** What went wrong, in a few words anyone may see (see {@link publicReason}). */
  readonly summary: string;
  constructor(store: string, reason: string, options?: { cause?: unknown }) {
    const summary = publicReason(options?.cause) ?? "cannot be reached";
    super(`${store} unavailable: ${summary}`, options);
    this.name = "StoreUnavailableError";
    this.store = store;
    this.reason = reason;
    this.summary = summary;
  }
}

/**
 * The job store could not be reached (see {@link StoreUnavailableError}).
 * @example throw new JobStoreUnavailableError("connect ECONNREFUSED 127.0.0.1:5432", { cause: err });
 */
export class JobStoreUnavailableError extends StoreUnavailableError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super("job store", reason, options);
    this.name = "JobStoreUnavailableError";
  }
}

/**
 * Rethrows `err` as a {@link JobStoreUnavailableError} when it means the store is unavailable.
 * @example await pool.query(sql).catch(rethrowUnavailable);
 */
export function rethrowUnavailable(err: unknown): never {
  const reason = unavailableReason(err);
  if (reason !== undefined && !(err instanceof JobStoreUnavailableError)) {
    throw new JobStoreUnavailableError(reason, { cause: err });
  }
  throw err;
}

/**
 * The store's last known state: unreachable, with the full reason of its last failure (for the log) and the
 * {@link publicReason} of it (`summary`, for `/ready`).
 */
export type StoreAvailability =
  | { reachable: true }
  | { reachable: false; reason: string; summary: string; since: number };

/**
 * The last known state of a store, from the outcome of its queries and probes; `onChange` hears each change: once
 * per outage, once more each time its summary changes (refused, then silent), and once when it ends.
 * @example const a = new Availability((s) => log(s)); a.failed(err); a.state // { reachable: false, … }
 */
export class Availability {
  #state: StoreAvailability = { reachable: true };
  readonly #onChange: (state: StoreAvailability, before: StoreAvailability) => void;

  constructor(onChange: (state: StoreAvailability, before: StoreAvailability) => void = () => {}) {
    this.#onChange = onChange;
  }

  get state(): StoreAvailability {
    return this.#state;
  }

  /** A query or probe got its answer. */
  succeeded(): void {
    if (this.#state.reachable) return;
    const before = this.#state;
    this.#state = { reachable: true };
    this.#onChange(this.#state, before);
  }

  /** A query or probe failed; only errors that mean the store is unavailable change the state. Returns the reason. */
  failed(err: unknown): string | undefined {
    const reason = unavailableReason(err);
    if (reason === undefined) return undefined;
    const summary = publicReason(err)!;
    const before = this.#state;
    this.#state = { reachable: false, reason, summary, since: before.reachable ? Date.now() : before.since };
    if (before.reachable || before.summary !== summary) this.#onChange(this.#state, before);
    return reason;
  }
}
