/**
 * @module Progress of the runner's jobs, keyed by request id (the `X-Request-Id` of the POST), for
 * `GET /progress/{request_id}`. A job's channel keeps its last {@link HISTORY_LIMIT} progress events and its end, so
 * memory stays bounded however many steps a job has; a subscriber may come before the job starts (it waits for it),
 * while it runs or after it ended (the state is kept for a while). A new subscriber starts at the last state, or
 * after an event id it names (`Last-Event-ID`), which replays the kept events after it.
 */
import type { Progress } from "../pipelines/contract.js";

/** `event: progress` data: where the job is, `fraction` = step / total of that stage. */
export interface ProgressData extends Progress {
  fraction: number;
}

/** `event: end` data: the status the POST answered, and what went wrong when it failed. */
export interface EndData {
  status: number;
  msg?: string;
}

/** One server-sent event of a job; `id` is its sequence number within the job. */
export type ProgressEvent =
  | { id: number; event: "progress"; data: ProgressData }
  | { id: number; event: "end"; data: EndData };

/**
 * One job's progress channel.
 * @example
 * const job = hub.open("job-42");
 * job.publish({ stage: "denoise", step: 1, total: 25 });
 * job.finish(200);
 */
export class JobProgress {
  #seq = 0;
  /** The last {@link HISTORY_LIMIT} progress events, oldest first. */
  readonly #history: ProgressEvent[] = [];
  #end: ProgressEvent | undefined;
  #failure: string | undefined;
  readonly #listeners = new Set<(e: ProgressEvent) => void>();
  readonly #watchers = new Set<(subscribers: number) => void>();
  readonly #onEnd: () => void;

  constructor(onEnd: () => void) {
    this.#onEnd = onEnd;
  }

  /** True once the job ended. */
  get ended(): boolean {
    return this.#end !== undefined;
  }

  /** Sends a progress event to every subscriber and keeps it as the last state (ignored after the end). */
  publish(p: Progress): void {
    if (this.#end) return;
    const fraction = p.total > 0 ? Math.round((p.step / p.total) * 10_000) / 10_000 : 0;
    const e: ProgressEvent = {
      id: ++this.#seq,
      event: "progress",
      data: { stage: p.stage, step: p.step, total: p.total, fraction },
    };
    if (this.#history.length === HISTORY_LIMIT) this.#history.shift();
    this.#history.push(e);
    for (const listener of this.#listeners) listener(e);
  }

  /** Remembers why the job failed, for the `msg` of its end event. */
  fail(message: string): void {
    this.#failure ??= message;
  }

  /** Ends the job with the status its POST answered; subscribers get `end` and are let go. */
  finish(status: number): void {
    if (this.#end) return;
    const data: EndData = status >= 400 && this.#failure !== undefined ? { status, msg: this.#failure } : { status };
    this.#end = { id: ++this.#seq, event: "end", data };
    for (const listener of this.#listeners) listener(this.#end);
    this.#listeners.clear();
    this.#watchers.clear();
    this.#onEnd();
  }

  /** Calls `watcher` with the number of subscribers now and whenever it changes; returns the function that stops it. */
  onSubscribers(watcher: (subscribers: number) => void): () => void {
    watcher(this.#listeners.size);
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** The events a new subscriber starts with: the last progress, and the end if the job ended. */
  snapshot(): ProgressEvent[] {
    return [this.#history.at(-1), this.#end].filter((e) => e !== undefined);
  }

  /**
   * The events a subscriber that already saw event `after` starts with: every kept progress event with a larger id
   * (all of them for 0, as far as {@link HISTORY_LIMIT} kept them), and the end if the job ended, whatever `after`
   * is: one that saw the end, or names an id the job never sent, learns how it ended instead of getting an empty
   * stream and reconnecting for ever.
   * @example job.since(0) // the job from its first kept event
   */
  since(after: number): ProgressEvent[] {
    const later = this.#history.filter((e) => e.id > after);
    return this.#end ? [...later, this.#end] : later;
  }

  /** Calls `listener` for every later event, up to and including `end`; returns the unsubscribe function. */
  subscribe(listener: (e: ProgressEvent) => void): () => void {
    if (this.#end) return () => {};
    this.#listeners.add(listener);
    this.#tellWatchers();
    return () => {
      if (this.#listeners.delete(listener)) this.#tellWatchers();
    };
  }

  #tellWatchers() {
    for (const watcher of this.#watchers) watcher(this.#listeners.size);
  }
}

/**
 * How many progress events a job keeps for subscribers that come late and name the last event they saw: every step
 * of an image or image-to-video job (25–50 denoising steps, a decode step per frame), the last 1000 frames of a long
 * video's; about 100 kB at most.
 */
export const HISTORY_LIMIT = 1000;

/** How long a subscriber waits for a job that has not started, and how long an ended job stays visible. */
export interface ProgressHubOptions {
  /** Default 30 s. */
  waitMs?: number;
  /** Default 60 s. */
  keepMs?: number;
}

/**
 * The runner's progress channels by request id.
 * @example
 * const hub = new ProgressHub({ waitMs: 30_000, keepMs: 60_000 });
 * const job = await hub.find("job-42", signal); // waits up to 30 s for POST …/X-Request-Id: job-42
 */
export class ProgressHub {
  readonly waitMs: number;
  readonly keepMs: number;
  readonly #jobs = new Map<string, JobProgress>();
  readonly #waiting = new Map<string, Set<(job: JobProgress | undefined) => void>>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: ProgressHubOptions = {}) {
    this.waitMs = options.waitMs ?? 30_000;
    this.keepMs = options.keepMs ?? 60_000;
  }

  /** Opens the channel of a job that starts now (a newer job with the same id takes the id over). */
  open(requestId: string): JobProgress {
    const job = new JobProgress(() => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#jobs.get(requestId) === job) this.#jobs.delete(requestId);
      }, this.keepMs);
      timer.unref();
      this.#timers.add(timer);
    });
    this.#jobs.set(requestId, job);
    const waiting = this.#waiting.get(requestId);
    this.#waiting.delete(requestId);
    for (const wake of [...(waiting ?? [])]) wake(job);
    return job;
  }

  /** The job with this request id: now, or when it starts within `waitMs`; `undefined` if none does (or `signal` aborts). */
  find(requestId: string, signal?: AbortSignal): Promise<JobProgress | undefined> {
    const known = this.#jobs.get(requestId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(requestId) ?? new Set();
      this.#waiting.set(requestId, waiting);
      const done = (job: JobProgress | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", gone);
        waiting.delete(done);
        if (waiting.size === 0 && this.#waiting.get(requestId) === waiting) this.#waiting.delete(requestId);
        resolve(job);
      };
      const gone = () => done(undefined);
      const timer = setTimeout(gone, this.waitMs);
      signal?.addEventListener("abort", gone, { once: true });
      waiting.add(done);
    });
  }

  /** Subscribers waiting now for a job with this request id to start. */
  waitingFor(requestId: string): number {
    return this.#waiting.get(requestId)?.size ?? 0;
  }

  /** Jobs known now (running, or ended within `keepMs`). */
  get size(): number {
    return this.#jobs.size;
  }

  /** Forgets every job and lets every waiting subscriber go (they get 404). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#jobs.clear();
    for (const waiting of [...this.#waiting.values()]) for (const done of [...waiting]) done(undefined);
  }
}
