/**
 * @module What `models fetch` reports while it works: a redrawn progress bar on a terminal, JSON lines otherwise (one
 * object per event, byte counts at most once a second per file), or nothing.
 */
import type { RetryWait } from "./retry.js";

/**
 * The events of a fetch, in order: a listing retry per failed attempt at the listing, listed, then per file
 * start/bytes/retry/done, then done.
 */
export interface FetchProgress {
  /**
   * The listing failed in a way worth another attempt (`attempt` 1 for the first retry); it is asked again after
   * `wait` (the backoff, or the server's `Retry-After` when longer).
   */
  listingRetry?(attempt: number, error: string, wait: RetryWait): void;
  listed(info: { repo: string; revision: string; commit: string; files: number; bytes: number }): void;
  fileStart(path: string, size: number | undefined, resumedAt: number): void;
  bytes(path: string, done: number, size: number | undefined): void;
  /** A file's request failed in a way worth another attempt; it resumes at byte `at` after `wait`. */
  retry(path: string, attempt: number, at: number, error: string, wait: RetryWait): void;
  fileDone(path: string, size: number, sha256: string, reused: boolean): void;
  done(info: { model_id: string; path: string; pipeline: string; bytes: number; seconds: number }): void;
}

/** A reporter that says nothing (library use). */
export const silentProgress: FetchProgress = {
  listingRetry() {},
  listed() {},
  fileStart() {},
  bytes() {},
  retry() {},
  fileDone() {},
  done() {},
};

/** A retry's wait as JSON fields: `wait_ms`, and `retry_after_ms` (what the server asked for, else null). */
function waitFields(wait: RetryWait): { wait_ms: number; retry_after_ms: number | null } {
  return { wait_ms: wait.waitMs, retry_after_ms: wait.retryAfterMs ?? null };
}

/**
 * A retry's wait in words: "in 2 s", or "in 30 s, as the server asked (Retry-After: 30 s)".
 *
 * @example waitText({ waitMs: 30_000, retryAfterMs: 30_000 }); // "in 30 s, as the server asked (Retry-After: 30 s)"
 */
function waitText(wait: RetryWait): string {
  const s = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;
  if (wait.retryAfterMs === undefined) return `in ${s(wait.waitMs)}`;
  const how = wait.retryAfterMs >= wait.waitMs ? "as the server asked" : "longer than the server asked";
  return `in ${s(wait.waitMs)}, ${how} (Retry-After: ${s(wait.retryAfterMs)})`;
}

/**
 * JSON lines: `{"event":"listing_retry",attempt,error,wait_ms,retry_after_ms}`, `{"event":"listed",…}`,
 * `{"event":"progress","file",bytes,size}` (throttled to one per `intervalMs` per file, plus the last),
 * `{"event":"retry",file,attempt,at,error,wait_ms,retry_after_ms}`, `{"event":"file","file",size,sha256,reused}`,
 * `{"event":"done",…}`. A retry's `wait_ms` is how long it waits; `retry_after_ms` the wait the server's `Retry-After`
 * asked for (null when it asked for none).
 *
 * @example
 * const progress = jsonProgress((line) => process.stdout.write(`${line}\n`));
 */
export function jsonProgress(write: (line: string) => void, intervalMs = 1000, now = Date.now): FetchProgress {
  const last = new Map<string, number>();
  const emit = (event: string, fields: Record<string, unknown>) => write(JSON.stringify({ event, ...fields }));
  return {
    listingRetry: (attempt, error, wait) => emit("listing_retry", { attempt, error, ...waitFields(wait) }),
    listed: (info) => emit("listed", info),
    fileStart: (file, size, resumedAt) => emit("start", { file, size: size ?? null, resumed_at: resumedAt }),
    bytes(file, done, size) {
      const t = now();
      if (done !== size && t - (last.get(file) ?? -Infinity) < intervalMs) return;
      last.set(file, t);
      emit("progress", { file, bytes: done, size: size ?? null });
    },
    retry: (file, attempt, at, error, wait) => emit("retry", { file, attempt, at, error, ...waitFields(wait) }),
    fileDone: (file, size, sha256, reused) => emit("file", { file, size, sha256, reused }),
    done: (info) => emit("done", info),
  };
}

/**
 * Bytes as a short human figure.
 *
 * @example formatBytes(1536); // "1.5 kB"
 */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/**
 * A progress bar for a terminal: one line, redrawn at most every `intervalMs`, with the whole fetch's share done,
 * bytes, speed and the current file; a finished file leaves a line of its own.
 *
 * @example
 * const progress = ttyProgress(process.stdout);
 */
export function ttyProgress(
  out: { write(text: string): unknown; columns?: number },
  intervalMs = 100,
  now = Date.now,
): FetchProgress {
  let total = 0;
  let finished = 0;
  let current = 0;
  let started = now();
  let drawn = -Infinity;
  const draw = (file: string, force = false) => {
    const t = now();
    if (!force && t - drawn < intervalMs) return;
    drawn = t;
    const done = finished + current;
    const share = total > 0 ? Math.min(done / total, 1) : 0;
    const width = 24;
    const filled = Math.round(share * width);
    const speed = done / Math.max((t - started) / 1000, 1e-3);
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${formatBytes(done)}/${formatBytes(total)} ${formatBytes(speed)}/s ${file}`;
    out.write(`\r\x1b[K${line.slice(0, (out.columns ?? 120) - 1)}`);
  };
  return {
    listingRetry(attempt, error, wait) {
      out.write(`${error}; retry ${attempt} of the listing ${waitText(wait)}\n`);
    },
    listed(info) {
      total = info.bytes;
      started = now();
      out.write(
        `${info.repo}@${info.revision} (${info.commit.slice(0, 12)}): ${info.files} files, ${formatBytes(info.bytes)}\n`,
      );
    },
    fileStart(file, _size, resumedAt) {
      current = resumedAt;
      draw(file, true);
    },
    bytes(file, done) {
      current = done;
      draw(file);
    },
    retry(file, attempt, at, error, wait) {
      out.write(`\r\x1b[K${file}: ${error}; retry ${attempt} from byte ${at} ${waitText(wait)}\n`);
    },
    fileDone(file, size, _sha256, reused) {
      finished += size;
      current = 0;
      out.write(`\r\x1b[K${reused ? "=" : "✓"} ${file} ${formatBytes(size)}${reused ? " (unchanged, kept)" : ""}\n`);
    },
    done(info) {
      out.write(`\r\x1b[Kfetched ${info.model_id} (${info.pipeline}) → ${info.path} in ${info.seconds.toFixed(1)} s\n`);
    },
  };
}
