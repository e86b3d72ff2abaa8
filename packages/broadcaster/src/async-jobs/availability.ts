/**
 * @module Whether the job store can be reached: which database errors mean "the store is unavailable" (refused,
 * reset or silent connections, time limits, a database shutting down) rather than a bug, the error the store
 * throws for them (the app answers it with 503 and `Retry-After`), and the store's last known state, which `/ready`
 * reports and whose changes are logged once per outage.
 */

/** `Retry-After` of a 503 for a job or output store that cannot be reached, s. */
export const STORE_RETRY_AFTER_S = 5;

/** One way a store can be unavailable, and what anyone may be told of it. */
export interface UnavailableReason {
  /** The few words a caller (and `/ready`) is told: never the database's own message. */
  said: string;
  /** Node's socket error codes and PostgreSQL's SQLSTATEs that mean it. */
  codes?: readonly string[];
  /** Whole SQLSTATE classes (their first two characters) that mean it. */
  classes?: readonly string[];
  /** What node-postgres and pg-pool say for it (a part of the message, any case). */
  messages?: readonly string[];
}

/**
 * Every way a store can be unavailable — refused, reset or silent connections, time limits, a database out of
 * resources, shutting down or starting — rather than a bug, each once with its public wording. The first entry an
 * error matches gives its wording, so the time limits come first (`Connection terminated due to connection timeout`
 * timed out; a plain `Connection terminated` is a connection lost), and a refused connection (08001, 08004) before
 * the rest of its class.
 */
export const UNAVAILABLE_REASONS: readonly UnavailableReason[] = [
  {
    said: "timed out",
    // 57014: a statement cancelled by `statement_timeout`.
    codes: ["ETIMEDOUT", "57014"],
    messages: [
      "Connection terminated due to connection timeout",
      "timeout exceeded when trying to connect",
      "Query read timeout",
      "timeout expired",
    ],
  },
  // Node's refused, unroutable or unresolved connections; PostgreSQL's not established (08001) or rejected (08004).
  {
    said: "cannot connect",
    codes: [
      "ECONNREFUSED",
      "EHOSTUNREACH",
      "EHOSTDOWN",
      "ENETUNREACH",
      "ENETDOWN",
      "ENOTFOUND",
      "EAI_AGAIN",
      "08001",
      "08004",
    ],
  },
  // Too many connections, out of memory or disk.
  { said: "the database is out of connections or resources", classes: ["53"] },
  // Shutting down (57P02) or starting (57P03); 57P01 is also a connection ended by pg_terminate_backend, below.
  { said: "the database is restarting", codes: ["57P02", "57P03"] },
  {
    said: "connection lost",
    codes: ["ECONNRESET", "ECONNABORTED", "EPIPE", "57P01"],
    classes: ["08"],
    messages: ["Connection terminated", "not queryable", "Cannot use a pool after calling end"],
  },
];

/** The code of `err`, or of an AggregateError's first (Node's happy eyeballs: `localhost` on ::1 and 127.0.0.1). */
function codeOf(err: Error): string {
  const inner = err instanceof AggregateError ? (err.errors[0] as { code?: unknown } | undefined) : undefined;
  return String((err as { code?: unknown }).code ?? inner?.code ?? "");
}

/** The entry of {@link UNAVAILABLE_REASONS} that `err` matches, if any. */
function reasonOf(err: Error): UnavailableReason | undefined {
  const code = codeOf(err);
  const message = err.message.toLowerCase();
  return UNAVAILABLE_REASONS.find(
    (r) =>
      r.codes?.includes(code) ||
      (code.length === 5 && r.classes?.includes(code.slice(0, 2))) ||
      r.messages?.some((m) => message.includes(m.toLowerCase())),
  );
}

/**
 * What anyone may be told of why a store is unavailable: a few words, never the database's own message (which may
 * name its host, user, database or a statement), which goes to the log. Undefined when `err` does not mean the
 * store is unavailable.
 * @example publicReason(Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" }))
 * // "cannot connect"
 */
export function publicReason(err: unknown): string | undefined {
  if (err instanceof StoreUnavailableError) return err.summary;
  return err instanceof Error ? reasonOf(err)?.said : undefined;
}

/**
 * Why `err` means the store is unavailable, in full (for the log), or undefined for any other error (a bug, a
 * constraint violation).
 * @example unavailableReason(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))
 * // "connect ECONNREFUSED 127.0.0.1:5432"
 */
export function unavailableReason(err: unknown): string | undefined {
  if (err instanceof StoreUnavailableError) return err.reason;
  if (!(err instanceof Error) || reasonOf(err) === undefined) return undefined;
  const inner = err instanceof AggregateError ? (err.errors[0] as Error | undefined) : undefined;
  return err.message || inner?.message || codeOf(err) || "unknown error";
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
