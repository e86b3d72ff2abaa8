/**
 * @module Sequential execution with a bounded queue: one job runs at a time, at most `size` wait, more are refused
 * with 503 + `Retry-After`. A waiting job whose client goes away is dropped at once: its place goes to the next
 * caller instead of being held until its turn. A request can {@link JobQueue.reserve} its place before its body
 * arrives: the place counts as taken while the upload is read and checked, becomes its job's on `submit`, and is let
 * go if the request ends without one; so at most `size + 1` uploads are ever being received at once.
 */
import { HttpError } from "@ai-video-subnet/server-kit";

/** Thrown for a job dropped because its client disconnected before it started. */
export class JobDroppedError extends Error {
  constructor() {
    super("the client disconnected before the job started; dropped");
    this.name = "JobDroppedError";
  }
}

interface Waiting {
  start: () => void;
  drop: (err: Error) => void;
  signal: AbortSignal | undefined;
  /** Stops watching `signal` (the job started, or was dropped). */
  unwatch: () => void;
}

/** A place held for a request whose job is not submitted yet; `release` lets it go (a no-op once submitted). */
export interface QueuePlace {
  release(): void;
}

/**
 * A FIFO of jobs run one at a time.
 * @example
 * const queue = new JobQueue(8);
 * const out = await queue.submit(() => engine.run(input), { signal: c.req.raw.signal });
 */
export class JobQueue {
  readonly size: number;
  #running = false;
  #closed = false;
  readonly #waiting: Waiting[] = [];
  readonly #reserved = new Set<QueuePlace>();
  #averageSeconds = 1;
  /** Called whenever the number of waiting + running jobs changes. */
  onDepth: (depth: number) => void = () => {};
  /** Called for each job dropped because its client left. */
  onDropped: () => void = () => {};

  constructor(size: number) {
    this.size = size;
  }

  /** Jobs waiting plus the one running. */
  get depth(): number {
    return this.#waiting.length + (this.#running ? 1 : 0);
  }

  /**
   * The 503 a job submitted now would get (every place is taken — waiting, running or reserved — or the queue is
   * closed), or undefined: lets a route refuse a job before it reads and prepares the request's upload.
   */
  refusal(): HttpError | undefined {
    if (this.#closed) return this.#unavailable("the runner is shutting down");
    const running = this.#running ? 1 : 0;
    if (this.#waiting.length + running + this.#reserved.size > this.size) {
      const arriving = this.#reserved.size ? `, ${this.#reserved.size} being received` : "";
      return this.#unavailable(`the queue is full (${this.#waiting.length} waiting, ${running} running${arriving})`);
    }
    return undefined;
  }

  /**
   * Takes a place for a job to be submitted later with it (`submit(job, { place })`), before the request's body is
   * read; the caller releases it when the request ends, whether or not it submitted.
   * @throws {HttpError} the {@link refusal} when no place is free.
   * @example const place = queue.reserve(); try { await readBodyAndSubmit(place) } finally { place.release() }
   */
  reserve(): QueuePlace {
    const refused = this.refusal();
    if (refused) throw refused;
    const place: QueuePlace = { release: () => void this.#reserved.delete(place) };
    this.#reserved.add(place);
    return place;
  }

  /**
   * Runs `job` when its turn comes, in `place` when it holds one (then never refused for a full queue). Rejects with
   * 503 when full or closed, with {@link JobDroppedError} when dropped.
   */
  submit<T>(job: () => Promise<T>, options: { signal?: AbortSignal; place?: QueuePlace } = {}): Promise<T> {
    const reserved = options.place !== undefined && this.#reserved.delete(options.place);
    const refused = reserved && !this.#closed ? undefined : this.refusal();
    if (refused) throw refused;
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      const leave = () => {
        const at = this.#waiting.indexOf(waiting);
        if (at === -1) return;
        this.#waiting.splice(at, 1);
        this.onDropped();
        reject(new JobDroppedError());
        this.onDepth(this.depth);
      };
      const start = () => {
        waiting.unwatch();
        this.#running = true;
        this.onDepth(this.depth);
        const t0 = performance.now();
        job()
          .then(resolve, reject)
          .finally(() => {
            this.#averageSeconds = 0.8 * this.#averageSeconds + 0.2 * ((performance.now() - t0) / 1000);
            this.#running = false;
            this.#next();
          });
      };
      const waiting: Waiting = {
        start,
        drop: reject,
        signal,
        unwatch: () => signal?.removeEventListener("abort", leave),
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.#waiting.push(waiting);
      this.#next();
    });
  }

  /** Refuses new jobs and rejects the waiting ones; resolves when the running job has finished. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      w.unwatch();
      w.drop(this.#unavailable("the runner is shutting down"));
    }
    this.onDepth(this.depth);
    while (this.#running) await new Promise((r) => setTimeout(r, 10));
  }

  #next() {
    while (!this.#running && this.#waiting.length > 0) {
      const w = this.#waiting.shift()!;
      if (w.signal?.aborted) {
        w.unwatch();
        this.onDropped();
        w.drop(new JobDroppedError());
        continue;
      }
      w.start();
    }
    this.onDepth(this.depth);
  }

  #unavailable(msg: string) {
    const ahead = this.#waiting.length + this.#reserved.size + 1;
    const seconds = Math.max(1, Math.ceil(this.#averageSeconds * ahead));
    return new HttpError(503, msg, { headers: { "Retry-After": String(seconds) } });
  }
}
