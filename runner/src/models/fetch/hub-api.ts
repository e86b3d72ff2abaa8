/**
 * @module The Hugging Face Hub HTTP API as `models fetch` uses it: a repository's file list at a revision
 * (`GET /api/models/{repo}/revision/{revision}?blobs=true`: the commit `sha` and `siblings` with `size`, `blobId` and,
 * for LFS files, `lfs.sha256`; retried like a file, see retry.ts), file URLs (`/{repo}/resolve/{commit}/{path}`),
 * bearer tokens and the hub's errors (`X-Error-Code`, `X-Error-Message`, or a JSON `error`).
 */

import { ListingError, parseListing } from "./listing.js";
import { formatBytes } from "./progress.js";
import {
  attemptsMade,
  DEFAULT_RETRY,
  Retryable,
  type RetryPolicy,
  type RetryWait,
  retryableStatus,
  withRetries,
} from "./retry.js";
import { retryAfterOf } from "./retry-after.js";
import { DEFAULT_LIMITS, readBody, type TransferLimits, Watchdog } from "./watchdog.js";

/** A listing larger than this is no repository's (a real one with 10,000 files is a few MB). */
const MAX_LISTING_BYTES = 64 << 20;

/** An error's message with its causes' (`fetch failed (connect ECONNREFUSED 127.0.0.1:9)`). */
export function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as Error | undefined; e && parts.length < 4; e = e.cause as Error | undefined) {
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  }
  return parts.length > 1 ? `${parts[0]} (${parts.slice(1).join("; ")})` : (parts[0] ?? String(err));
}

/** The start of an error answer's body: at most 64 kB is read, so a hostile answer cannot fill the memory. */
async function errorText(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let r = await reader.read(); !r.done && size < 65_536; r = await reader.read()) {
      chunks.push(r.value);
      size += r.value.byteLength;
    }
  } catch {
    // A body cut short still says what it said so far.
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).toString("utf8").slice(0, 65_536);
}

/** One file of a repository at a commit. */
export interface HubFile {
  /** Path in the repository, `/`-separated. */
  path: string;
  /** Bytes, when the server lists it. */
  size: number | undefined;
  /** SHA-256 of the content, for files stored in LFS. */
  sha256: string | undefined;
  /** The git blob id (SHA-1 of `blob <size>\0<content>`) of files stored in git itself. */
  gitOid: string | undefined;
}

/** A repository resolved at a revision. */
export interface HubRepo {
  repo: string;
  revision: string;
  /** The commit the revision points to; files are downloaded from it so a moving branch cannot mix versions. */
  commit: string;
  files: HubFile[];
}

/** Where the hub is and who asks. */
export interface HubOptions {
  /** e.g. `https://huggingface.co` (no trailing slash needed). */
  endpoint: string;
  /** Sent as `Authorization: Bearer` to the endpoint's origin only. */
  token?: string | undefined;
}

/** An HTTP error from the hub, with a message that says what to do. */
export class HubError extends Error {
  override name = "HubError";
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * Checks a repository id (`name` or `org/name`).
 *
 * @throws {Error} naming what is allowed.
 * @example checkRepoId("stabilityai/sd-turbo");
 */
export function checkRepoId(repo: string): void {
  if (!REPO.test(repo) || repo.includes("..")) {
    throw new Error(`invalid repository ${JSON.stringify(repo)}: use "org/name" (letters, digits, . _ -)`);
  }
}

/** The endpoint without a trailing slash. */
function base(endpoint: string): string {
  return endpoint.replace(/\/+$/, "");
}

/**
 * The download URL of `path` at `commit`.
 *
 * @example
 * resolveUrl("https://huggingface.co", "org/m", "abc", "unet/model.onnx"); // "https://huggingface.co/org/m/resolve/abc/unet/model.onnx"
 */
export function resolveUrl(endpoint: string, repo: string, commit: string, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${base(endpoint)}/${repo}/resolve/${encodeURIComponent(commit)}/${encoded}`;
}

/**
 * Request headers for `url`: the token only when `url` is on the endpoint's origin (a redirect to a CDN must not
 * carry it), and no content encoding, so byte ranges and lengths count the file's own bytes.
 */
export function hubHeaders(
  options: HubOptions,
  url: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const sameOrigin = new URL(url).origin === new URL(base(options.endpoint)).origin;
  return {
    "accept-encoding": "identity",
    ...(options.token && sameOrigin ? { authorization: `Bearer ${options.token}` } : {}),
    ...extra,
  };
}

/** Redirects a request follows at most. */
const MAX_REDIRECTS = 10;

/**
 * A redirect `models fetch` will not follow (to another scheme than http and https, to a `Location` that is no URL,
 * or one too many: a loop): fails at once, not retried, since trying again cannot change it.
 * @example if (err instanceof RedirectRefused) throw err; // not a Retryable
 */
export class RedirectRefused extends Error {
  override name = "RedirectRefused";
}

/**
 * GET `url` with the hub's headers (see {@link hubHeaders}) and `extra`, following redirects by hand, for the listing
 * and every file alike: the token never follows one to another origin, and one to another scheme than http(s) is
 * refused at once; the answer and the URL that gave it.
 *
 * @throws {RedirectRefused} for a redirect to file:, ftp:, data: or any other non-http(s) URL, to a `Location`
 *   that is no URL, or past {@link MAX_REDIRECTS}.
 * @example const { res, from } = await hubGet(url, hub, { range: "bytes=100-" }, signal);
 */
export async function hubGet(
  url: string,
  options: HubOptions,
  extra: Record<string, string>,
  signal: AbortSignal,
): Promise<{ res: Response; from: string }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetch(current, { headers: hubHeaders(options, current, extra), redirect: "manual", signal });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = URL.parse(location, current);
      if (!next) {
        throw new RedirectRefused(
          `${current} redirected to ${JSON.stringify(location.slice(0, 100))}, which is not a URL; nothing was fetched`,
        );
      }
      // fetch cannot follow file:, data: or ftp: (undici: "not implemented... yet..."), and retrying cannot change it.
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw new RedirectRefused(
          `${current} redirected to ${next.protocol}${next.host ? `//${next.host}` : ""}…, a non-http(s) URL; ` +
            "models fetch follows only http and https redirects",
        );
      }
      current = next.href;
      continue;
    }
    return { res, from: current };
  }
  throw new RedirectRefused(`${url}: more than ${MAX_REDIRECTS} redirects (a loop?); nothing was fetched`);
}

/**
 * The error for a failed hub response, reading the hub's error code and message. `from` is the URL that answered
 * (default the hub): an answer from the storage a download was redirected to (another origin, which never gets the
 * token) is worded as the storage's, not as a refusal of the token or of a gated repository's terms.
 *
 * @example throw await hubError(res, options, "org/m", "main");
 */
export async function hubError(
  res: Response,
  options: HubOptions,
  repo: string,
  revision: string,
  from?: string,
): Promise<HubError> {
  const code = res.headers.get("x-error-code") ?? undefined;
  let detail = res.headers.get("x-error-message") ?? "";
  if (!detail) {
    const text = await errorText(res);
    try {
      detail = String((JSON.parse(text) as { error?: unknown }).error ?? text);
    } catch {
      detail = text;
    }
  }
  const said = `${res.status}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
  const hub = new URL(base(options.endpoint)).origin;
  const storage = from ? new URL(from).origin : hub;
  if (storage !== hub) {
    const at = `the storage ${storage} that ${hub} redirected the download of ${repo} to`;
    const why =
      res.status === 401 || res.status === 403
        ? `${at} refused it (${said}); HF_TOKEN is never sent there, so neither the token nor a gated repository's terms are the cause: the signed link may have expired or the storage refuses this network — run the fetch again`
        : res.status === 404
          ? `${at} does not have it (${said})`
          : `${at} answered ${said}`;
    return new HubError(why, res.status, code);
  }
  if (res.status === 401) {
    return new HubError(
      options.token
        ? `${base(options.endpoint)} refused the token in HF_TOKEN for ${repo} (${said}); check that it is valid and can read the repository`
        : `${repo} needs authentication (${said}); set HF_TOKEN to a token that can read it (a private repository that does not exist answers the same)`,
      401,
      code,
    );
  }
  if (res.status === 403) {
    return new HubError(
      `access to ${repo} was denied (${said}); a gated repository needs its terms accepted on the hub by the token's account`,
      403,
      code,
    );
  }
  if (res.status === 404) {
    const what =
      code === "RevisionNotFound"
        ? `revision ${JSON.stringify(revision)} of ${repo} was not found`
        : code === "EntryNotFound"
          ? `a file of ${repo} was not found`
          : `${repo} was not found on ${base(options.endpoint)}`;
    return new HubError(`${what} (${said})`, 404, code);
  }
  return new HubError(`${base(options.endpoint)} answered ${said} for ${repo}@${revision}`, res.status, code);
}

/** How the listing is asked for: the limits of each attempt, the retries (default `DEFAULT_RETRY`), who hears them. */
export interface ListingOptions extends TransferLimits, Partial<RetryPolicy> {
  /** Hears each retry of the listing (1 for the first), why, and how long it waits (and what the server asked for). */
  onRetry?: (attempt: number, error: Error, wait: RetryWait) => void;
}

/**
 * One attempt at the listing's bytes.
 *
 * @throws {Retryable} for a server that cannot be reached, answers 5xx/408/429 (with the wait a 429's or 503's
 *   `Retry-After` asks for), or is cut by `limits`; {HubError}
 *   for any other refusal; {ListingError} for a listing over 64 MB.
 */
async function readListing(
  url: string,
  options: HubOptions,
  repo: string,
  revision: string,
  limits: TransferLimits,
): Promise<Buffer> {
  const dog = new Watchdog(limits);
  try {
    let res: Response;
    let from: string;
    try {
      ({ res, from } = await hubGet(url, options, { accept: "application/json" }, dog.signal));
    } catch (cause) {
      if (cause instanceof RedirectRefused) throw cause;
      if (dog.reason) throw new Retryable(`${url}: ${dog.reason} (the repository listing)`, { cause });
      throw new Retryable(`cannot reach ${base(options.endpoint)}: ${causeChain(cause)}`, { cause });
    }
    dog.answered();
    if (!res.ok) {
      // Named by the server that answered, which a redirect may have made another than the hub.
      const refused = await hubError(res, options, repo, revision, from);
      if (!retryableStatus(res.status)) throw refused;
      throw new Retryable(refused.message, { cause: refused, retryAfterMs: retryAfterOf(res) });
    }
    try {
      return await readBody(
        res,
        dog,
        MAX_LISTING_BYTES,
        () =>
          new ListingError(`${url}: the listing is larger than ${formatBytes(MAX_LISTING_BYTES)}; nothing was fetched`),
      );
    } catch (cause) {
      if (cause instanceof ListingError) throw cause;
      const why = dog.reason ?? `the connection was lost: ${causeChain(cause)}`;
      throw new Retryable(`${url}: ${why} while the repository listing was read`, { cause });
    }
  } finally {
    dog.stop();
  }
}

/**
 * Lists a repository's files at `revision` with their sizes and hashes (see `parseListing`; hidden files and a
 * repository's own `avs-model.json` are left out). A server that cannot be reached, answers 5xx, 408 or 429, or is
 * cut by the limits is asked again as `how` says (default 5 retries after 1 s, 2 s, 4 s…, or after what a 429's or
 * 503's `Retry-After` asks when that is longer), like a file's download.
 *
 * @throws {HubError} for other HTTP errors, at once (401 without or with a bad token, 403, 404 for an unknown
 *   repository or revision), and for a 5xx/408/429 past the retries or asking to wait more than 300 s (its status
 *   kept); {ListingError} for a listing
 *   of the wrong shape; {Error} for a server that cannot be reached, does not answer within `how.stallMs`, or sends
 *   the listing slower than `how` allows, past the retries (the message says which, and how many attempts were made).
 * @example
 * const info = await hubRepoInfo({ endpoint: "https://huggingface.co" }, "stabilityai/sd-turbo", "main");
 * info.files.map((f) => f.path); // ["model_index.json", "unet/model.onnx", …]
 */
export async function hubRepoInfo(
  options: HubOptions,
  repo: string,
  revision: string,
  how: ListingOptions = DEFAULT_LIMITS,
): Promise<HubRepo> {
  checkRepoId(repo);
  if (!/^https?:\/\/[^/]/.test(options.endpoint) || !URL.canParse(options.endpoint)) {
    throw new Error(
      `the endpoint ${JSON.stringify(options.endpoint)} is not an http(s) URL such as https://huggingface.co`,
    );
  }
  const url = `${base(options.endpoint)}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const policy = {
    retries: how.retries ?? DEFAULT_RETRY.retries,
    retryDelayMs: how.retryDelayMs ?? DEFAULT_RETRY.retryDelayMs,
  };
  const body = await withRetries(policy, () => readListing(url, options, repo, revision, how), {
    retrying: (attempt, err, wait) => how.onRetry?.(attempt, err, wait),
    giveUp: (err, attempts) => {
      const message = `${err.message}; gave up after ${attemptsMade(attempts)}; nothing was fetched`;
      const refused = err.cause instanceof HubError ? err.cause : undefined;
      return refused
        ? new HubError(message, refused.status, refused.code, { cause: refused })
        : new Error(message, { cause: err.cause ?? err });
    },
  });
  const listing = parseListing(url, body.toString("utf8"));
  return { repo, revision, commit: listing.commit ?? revision, files: listing.files };
}
