/**
 * @module Downloading one file resumably: bytes go to a partial file (`<dest>.part` unless told otherwise), a dropped,
 * stalled or too slow connection (see watchdog.ts) is retried from
 * where it stopped with an HTTP `Range: bytes=<n>-` request (a `.part` left by an earlier run is resumed the same
 * way), the content is hashed as it is written, and only a file whose size and hash match what the server listed is
 * renamed to `dest`.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { causeChain, type HubFile, type HubOptions, hubError, hubGet, RedirectRefused } from "./hub-api.js";
import { unverifiable } from "./listing.js";
import { attemptsMade, Retryable, type RetryWait, retryableStatus, withRetries } from "./retry.js";
import { retryAfterOf } from "./retry-after.js";
import { DEFAULT_LIMITS, Watchdog } from "./watchdog.js";

/** The downloaded file did not have the size or hash the server listed; nothing of it is kept. */
export class ChecksumError extends Error {
  override name = "ChecksumError";
}

/** The network failed past the retries; the partial file is kept, so the same fetch resumes it. */
export class TransferError extends Error {
  override name = "TransferError";
}

/** How a download behaves on a flaky network, and whom it tells. */
export interface DownloadOptions {
  hub: HubOptions;
  repo: string;
  revision: string;
  /** Further attempts after a dropped connection, a stall or a 5xx/408/429 answer (see retry.ts). */
  retries: number;
  /** First wait before a retry; doubled each time (longer when a 429's or 503's `Retry-After` asks for longer). */
  retryDelayMs: number;
  /** A request that gets no answer, or a body that delivers no byte, for this long is dropped and retried. */
  stallMs: number;
  /**
   * Bytes a second a body must average over each `speedWindowMs` (default 10 kB/s over 60 s), else it is dropped
   * and retried; 0 turns the rule off.
   */
  minSpeed?: number;
  speedWindowMs?: number;
  /**
   * Where the bytes go until the file is complete (default `<dest>.part`); a name no other file of the download can
   * have, or a repository holding both `x` and `x.part` could not be fetched.
   */
  part?: string;
  onBytes?: (done: number, size: number | undefined) => void;
  /** Hears each retry (1 for the first), the byte it resumes at, why, and how long it waits. */
  onRetry?: (attempt: number, at: number, error: Error, wait: RetryWait) => void;
}

const FLUSH_BYTES = 1 << 20;
/** The hashes of a file, fed in order: SHA-256, and git's blob SHA-1 when the server gave a git oid. */
function hashers(file: HubFile): { sha: Hash; git: Hash | undefined } {
  const git = file.gitOid && file.size !== undefined ? createHash("sha1").update(`blob ${file.size}\0`) : undefined;
  return { sha: createHash("sha256"), git };
}

/**
 * The SHA-256 of a file on disk, as hex.
 *
 * @example await sha256File("/models/org/m/model_index.json"); // "9f86d0…"
 */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function hashExisting(path: string, h: { sha: Hash; git: Hash | undefined }): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    h.sha.update(chunk as Buffer);
    h.git?.update(chunk as Buffer);
  }
}

/**
 * Downloads `file` from `url` to `dest` (its folder is created), resuming the partial file left by an earlier attempt.
 *
 * @throws {ChecksumError} when the size or hash differs from the listing (the partial file is removed).
 * @throws {HubError} for 4xx answers (not retried); {TransferError} when the retries run out, or at once when a 429 or
 *   503 asks to wait more than 300 s (the partial file is kept); {Error} for a file the listing gives no size or no hash for (it could not be checked).
 * @example
 * const { sha256 } = await downloadFile(url, file, "/models/.fetching-x/unet/model.onnx", options);
 */
export async function downloadFile(
  url: string,
  file: HubFile,
  dest: string,
  options: DownloadOptions,
): Promise<{ size: number; sha256: string }> {
  const unchecked = unverifiable(file);
  if (unchecked) throw new Error(`${file.path}: the listing gives ${unchecked}, so the download could not be checked`);
  const part = options.part ?? `${dest}.part`;
  await mkdir(dirname(part), { recursive: true });
  let offset = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  if (file.size !== undefined && offset > file.size) {
    await truncate(part, 0);
    offset = 0;
  }
  let h = hashers(file);
  if (offset > 0) await hashExisting(part, h);
  const restart = async () => {
    await truncate(part, 0);
    offset = 0;
    h = hashers(file);
  };
  await withRetries(
    options,
    async () => {
      if (file.size !== undefined && offset === file.size) return;
      try {
        await receive();
      } catch (err) {
        if (err instanceof ChecksumError) await rm(part, { force: true });
        throw err;
      }
    },
    {
      retrying: (attempt, err, wait) => options.onRetry?.(attempt, offset, err, wait),
      giveUp: (err, attempts) =>
        new TransferError(
          `${file.path}: ${err.message}; gave up after ${attemptsMade(attempts)} (${offset} bytes kept in ${part}, a new fetch resumes there)`,
          { cause: err },
        ),
    },
  );

  async function receive(): Promise<void> {
    const dog = new Watchdog({
      stallMs: options.stallMs,
      minSpeed: options.minSpeed ?? DEFAULT_LIMITS.minSpeed,
      speedWindowMs: options.speedWindowMs ?? DEFAULT_LIMITS.speedWindowMs,
    });
    const handle = await open(part, "a");
    try {
      let res: Response;
      let from: string;
      try {
        ({ res, from } = await hubGet(url, options.hub, offset > 0 ? { range: `bytes=${offset}-` } : {}, dog.signal));
      } catch (cause) {
        if (cause instanceof RedirectRefused) throw cause;
        throw new Retryable(dog.reason ?? `request failed: ${causeChain(cause)}`, { cause });
      }
      dog.answered();
      if (res.status === 416 && offset > 0) {
        await res.body?.cancel();
        await restart();
        throw new Retryable(`the server refused to resume at byte ${offset}`);
      }
      if (retryableStatus(res.status)) {
        await res.body?.cancel();
        throw new Retryable(`the server answered ${res.status}`, { retryAfterMs: retryAfterOf(res) });
      }
      if (!res.ok) {
        const e = await hubError(res, options.hub, options.repo, options.revision, from);
        e.message = `${file.path}: ${e.message}`;
        throw e;
      }
      const range = res.status === 206 ? /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "") : null;
      if (offset > 0 && (!range || Number(range[1]) !== offset)) await restart();
      const total =
        file.size ?? (res.status === 200 ? Number(res.headers.get("content-length") ?? Number.NaN) : Number.NaN);
      const pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        const buf = Buffer.concat(pending, pendingBytes);
        pending.length = 0;
        pendingBytes = 0;
        await handle.write(buf);
        h.sha.update(buf);
        h.git?.update(buf);
        offset += buf.length;
        options.onBytes?.(offset, file.size);
      };
      try {
        const reader = res.body?.getReader();
        for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) {
          dog.got(r.value.byteLength);
          pending.push(r.value);
          pendingBytes += r.value.byteLength;
          if (Number.isFinite(total) && offset + pendingBytes > total) {
            throw new ChecksumError(`${file.path}: the server sent more than the ${total} bytes it lists`);
          }
          if (pendingBytes >= FLUSH_BYTES) await flush();
        }
        await flush();
      } catch (err) {
        await flush();
        if (err instanceof ChecksumError) throw err;
        const why = dog.reason
          ? `cut at byte ${offset}: ${dog.reason}`
          : `connection lost at byte ${offset}: ${causeChain(err)}`;
        throw new Retryable(why, { cause: err });
      }
      if (Number.isFinite(total) && offset < total) {
        throw new Retryable(`the server closed the connection at byte ${offset} of ${total}`);
      }
    } finally {
      dog.stop();
      await handle.close();
    }
  }

  const sha256 = h.sha.digest("hex");
  const git = h.git?.digest("hex");
  const problem =
    file.size !== undefined && offset !== file.size
      ? `${offset} bytes, the server lists ${file.size}`
      : file.sha256 && sha256 !== file.sha256
        ? `sha256 ${sha256}, the server lists ${file.sha256}`
        : file.gitOid && git && git !== file.gitOid
          ? `git blob id ${git}, the server lists ${file.gitOid}`
          : undefined;
  if (problem) {
    await rm(part, { force: true });
    throw new ChecksumError(
      `${file.path}: downloaded ${problem}; the file is corrupt or changed on the server, so it was discarded`,
    );
  }
  await mkdir(dirname(dest), { recursive: true });
  await rename(part, dest);
  return { size: offset, sha256 };
}
