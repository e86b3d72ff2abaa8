/**
 * @module The job store interface: where asynchronous jobs, their inputs, events and webhook deliveries live, and how
 * the broadcasters that share it take jobs (leases renewed by heartbeats, fenced by a run number). Two
 * implementations: SQLite (embedded, one broadcaster) and PostgreSQL (several broadcasters behind one address).
 */

import type { StoreAvailability } from "./availability.js";
import type {
  JobEvent,
  JobOutcome,
  JobProgress,
  JobRecord,
  StoredInputs,
  WebhookDelivery,
  WebhookEvent,
} from "./model.js";

/** A job to create: its request, and the bytes of its file fields. */
export interface NewJob
  extends Pick<
    JobRecord,
    | "id"
    | "owner"
    | "pipeline"
    | "modelId"
    | "requestId"
    | "baseUrl"
    | "multipart"
    | "units"
    | "idempotencyKey"
    | "bodyHash"
    | "webhookUrl"
    | "webhookSecret"
  > {
  inputs: StoredInputs;
  /** The bytes of each field of `inputs.files`. */
  files: Record<string, Blob>;
}

/** Where a job created by `jobs-start here` starts: this broadcaster, under a lease of `leaseMs`. */
export interface StartHere {
  holder: string;
  leaseMs: number;
}

/** What `create` did: made the job, found the one its idempotency key names, or found that key used for another body. */
export type CreateResult = { kind: "created" | "existing" | "conflict"; job: JobRecord };

/** `create` made nothing: the owner already has `maxActive` jobs queued or running. */
export class TooManyActiveJobsError extends Error {
  constructor(
    readonly active: number,
    readonly maxActive: number,
  ) {
    super(`${active} jobs queued or running, the most one owner may have is ${maxActive}`);
    this.name = "TooManyActiveJobsError";
  }
}

/** Options of `create`. */
export interface CreateOptions {
  /** Start the job here (PostgreSQL's `jobs-start here`). */
  here?: StartHere;
  /**
   * The most jobs one owner may have queued or running; past it nothing is made (`TooManyActiveJobsError`), though
   * a repeated idempotency key still finds its job. Both stores check it in the creating transaction, one creation
   * of an owner at a time (SQLite's write lock; PostgreSQL's advisory lock on the owner, across broadcasters).
   */
  maxActive?: number;
  /**
   * How long the job is kept once it ends, ms: the creating broadcaster's `job-retention-ms`, which every
   * broadcaster's sweep then keeps to. Without it the job is kept as those of older releases are: by the sweeping
   * broadcaster's own setting.
   */
  keepMs?: number;
}

/** A job this broadcaster runs, with the run number that fences its writes (a takeover makes them fail). */
export interface Claim {
  job: JobRecord;
  holder: string;
  run: number;
  /** When the write that claimed the job was sent (local clock, epoch ms): its lease lasts past this + the lease. */
  leasedAt?: number;
  /**
   * The job was claimed from a holder whose lease ran out (a takeover, counted in `JobRecord.takeovers`), not from
   * the queue (a new job, or one handed back on stop).
   */
  takenOver?: boolean;
}

/** Webhook deliveries one broadcaster sends at once. */
export const DELIVERIES_AT_ONCE = 8;

/**
 * Deliveries of one sender a broadcaster sends at once. A sender is the job's API key (its owner), or its webhook
 * URL on a gateway without keys: a key whose receiver never answers holds this many of the
 * {@link DELIVERIES_AT_ONCE} slots for a webhook timeout each, not all of them, so other keys' deliveries go on
 * meanwhile. A due delivery whose sender has all its lanes busy waits (see `postponeDelivery`).
 */
export const DELIVERY_LANES = 2;

/**
 * SQL of a delivery's sender (see {@link DELIVERY_LANES}), from the columns of its job's row `j`.
 * @example deliverySender("j") // "CASE WHEN j.owner = '' THEN j.webhook_url ELSE j.owner END"
 */
export function deliverySender(j: string): string {
  return `CASE WHEN ${j}.owner = '' THEN ${j}.webhook_url ELSE ${j}.owner END`;
}

/** A held job as a heartbeat found it. */
export interface HeldJob {
  id: string;
  run: number;
  cancelRequested: boolean;
}

/** A webhook delivery that is due, with what sending and signing it needs. */
export interface DueDelivery {
  id: string;
  jobId: string;
  event: WebhookEvent;
  url: string;
  secret: string;
  /** The JSON body, the same on every attempt. */
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  /** Its sender (see {@link DELIVERY_LANES}). */
  sender: string;
}

/** How one delivery attempt went; `retryAt` (epoch ms) schedules another, its absence ends the delivery. */
export interface DeliveryAttempt {
  ok: boolean;
  statusCode?: number;
  error?: string;
  retryAt?: number;
}

/** A change other parts of this process may wait for: new events of a job, or a cancel asked for it. */
export interface JobChange {
  jobId: string;
  kind: "events" | "cancel";
}

/** What a store calls when it hands out work. */
export interface Workers {
  /** This broadcaster's lease-holder id. */
  holder: string;
  /** Jobs run at once by this broadcaster. */
  concurrency: number;
  /** How long a lease lasts without a heartbeat (renewed every third of it). */
  leaseMs: number;
  /** Longest one webhook attempt may take; a delivery being sent is not handed out again for longer than that. */
  deliveryTimeoutMs: number;
  /** Runs a claimed job to its end (or until it is handed back). */
  runJob(claim: Claim): Promise<void>;
  /**
   * Takes one of this broadcaster's `concurrency` slots for a job about to be claimed, or answers false when every
   * slot is taken (by jobs running here, or being claimed: PostgreSQL's `jobs-start here` takes slots too). A
   * store whose runners take more entries than there are free slots gives the extra ones back to the queue.
   * Without it, the store's runners count `concurrency` alone.
   */
  reserveSlot?(): boolean;
  /** Gives back a slot `reserveSlot` took, as its job starts running (`runJob`, same tick) or was not claimed. */
  releaseSlot?(): void;
  /**
   * Resolves once a slot may have come free (a job here ended, a reservation was given back), after `ms` at most, or
   * at once when `signal` aborts; the caller tries `reserveSlot` again.
   */
  slotFreed?(ms: number, signal: AbortSignal): Promise<void>;
  /** Sends one webhook delivery. */
  deliver(delivery: DueDelivery): Promise<DeliveryAttempt>;
  /**
   * The ids of the jobs running here now. A heartbeat renews only their leases: a job this broadcaster stopped
   * without ending it (its lease ran out unrenewed while the store could not be reached) keeps its holder in the
   * store, and renewing it there would keep it "running" with nobody running it; left alone, its lease runs out and
   * a sweep queues it again.
   */
  running(): readonly string[];
  /** The jobs this broadcaster held when a heartbeat renewed their leases (the query was sent at `since`). */
  onHeartbeat(held: HeldJob[], since: number): void;
}

/**
 * A job store. Writes of a running job (`progress`, `finish`, `release`) take its `Claim` and return false once
 * another broadcaster has taken the job over, so no job ends twice.
 * @example
 * const store = new SqliteJobStore("jobs.sqlite"); await store.init();
 * const { kind, job } = await store.create(newJob);
 */
export interface JobStore {
  readonly kind: "sqlite" | "postgres";
  /** Whether the store answered its last query or check (an embedded store always does). */
  readonly availability: StoreAvailability;
  /** Opens the database and creates the tables. */
  init(): Promise<void>;
  /**
   * Creates a queued job, or finds the job its idempotency key names. `here` (PostgreSQL, `jobs-start here`): the
   * new job is claimed for `here.holder` in the same write and `claim` is its run; it gets no queue entry.
   */
  create(job: NewJob, options?: CreateOptions): Promise<CreateResult & { claim?: Claim }>;
  get(id: string): Promise<JobRecord | undefined>;
  /** The job of `owner` that an `Idempotency-Key` names, if a request with it made one. */
  byIdempotencyKey(owner: string, key: string): Promise<JobRecord | undefined>;
  /** The newest `pipeline` job of `owner` whose request had this `X-Request-Id` (Livepeer's `request_id`). */
  byRequestId(owner: string, requestId: string, pipeline: string): Promise<JobRecord | undefined>;
  /** The job's webhook deliveries, oldest first. */
  deliveries(jobId: string): Promise<WebhookDelivery[]>;
  /** The job's events after sequence number `afterSeq`. */
  events(jobId: string, afterSeq: number): Promise<JobEvent[]>;
  /** Cancels a queued job at once, or flags a running one (its holder stops it); returns the job as it is now. */
  requestCancel(id: string): Promise<JobRecord | undefined>;
  /** Calls `listener` on every change of any job, made by any broadcaster sharing the store. Returns the unsubscribe. */
  watch(listener: (change: JobChange) => void): () => void;
  /** The bytes of a file field of a job's request. */
  readFile(jobId: string, field: string): AsyncIterable<Uint8Array>;
  /** Records progress of a running job. */
  progress(claim: Claim, progress: JobProgress): Promise<boolean>;
  /** Ends a running job. */
  finish(claim: Claim, outcome: JobOutcome): Promise<boolean>;
  /** Hands a running job back to the queue (this broadcaster is stopping). */
  release(claim: Claim): Promise<boolean>;
  /** Starts handing out jobs and due webhook deliveries to `workers`, and renewing their leases. */
  start(workers: Workers): Promise<void>;
  /**
   * Stops handing out jobs at once (a stopping broadcaster claims none), while the leases of the jobs running here
   * are still renewed and due webhook deliveries still sent, until `stop()`: the running jobs go on to their end, or
   * until the caller releases them.
   */
  stopClaiming(): void;
  /**
   * Stops handing out work and renewing leases; waits for the jobs handed out to return (the caller ended or
   * released them).
   */
  stop(): Promise<void>;
  close(): Promise<void>;
  /**
   * Deletes, with their events and deliveries, the jobs past their own retention (`keepMs` when they were created),
   * and the jobs without one (created or ended by an older release) that ended before `before` (epoch ms); returns
   * how many.
   */
  cleanup(before: number): Promise<number>;
}

/** Size of the chunks file inputs are stored in (rows of at most this many bytes). */
export const FILE_CHUNK = 1024 * 1024;

/**
 * Reads a Blob as chunks of at most {@link FILE_CHUNK} bytes.
 * @example for await (const chunk of chunksOf(blob)) insert(chunk);
 */
export async function* chunksOf(blob: Blob): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < blob.size; at += FILE_CHUNK) {
    yield new Uint8Array(await blob.slice(at, at + FILE_CHUNK).arrayBuffer());
  }
}
