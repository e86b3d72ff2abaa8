/**
 * @module The Hugging Face Hub HTTP API as `models fetch` uses it: a repository's file list at a revision
 * (`GET /api/models/{repo}/revision/{revision}?blobs=true`: the commit `sha` and `siblings` with `size`, `blobId` and,
 * for LFS files, `lfs.sha256`), file URLs (`/{repo}/resolve/{commit}/{path}`), bearer tokens and the hub's errors
 * (`X-Error-Code`, `X-Error-Message`, or a JSON `error`).
 */

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
  ) {
    super(message);
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

/**
 * The error for a failed hub response, reading the hub's error code and message.
 *
 * @example throw await hubError(res, options, "org/m", "main");
 */
export async function hubError(res: Response, options: HubOptions, repo: string, revision: string): Promise<HubError> {
  const code = res.headers.get("x-error-code") ?? undefined;
  let detail = res.headers.get("x-error-message") ?? "";
  if (!detail) {
    const text = await res.text().catch(() => "");
    try {
      detail = String((JSON.parse(text) as { error?: unknown }).error ?? text);
    } catch {
      detail = text;
    }
  }
  const said = `${res.status}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
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

/** A path the fetch writes: relative, `/`-separated, no `.`/`..`/empty segments, no backslash. */
function safePath(path: string): boolean {
  return (
    path.length > 0 &&
    !path.includes("\\") &&
    !path.startsWith("/") &&
    path.split("/").every((s) => s !== "" && s !== "." && s !== "..")
  );
}

/**
 * Lists a repository's files at `revision` with their sizes and hashes. Hidden files (`.gitattributes`) and a
 * repository's own `avs-model.json` are left out: the fetch writes its own manifest.
 *
 * @throws {HubError} for HTTP errors (401 without or with a bad token, 404 for an unknown repository or revision).
 * @example
 * const info = await hubRepoInfo({ endpoint: "https://huggingface.co" }, "stabilityai/sd-turbo", "main");
 * info.files.map((f) => f.path); // ["model_index.json", "unet/model.onnx", …]
 */
export async function hubRepoInfo(options: HubOptions, repo: string, revision: string): Promise<HubRepo> {
  checkRepoId(repo);
  const url = `${base(options.endpoint)}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  let res: Response;
  try {
    res = await fetch(url, { headers: hubHeaders(options, url, { accept: "application/json" }) });
  } catch (cause) {
    throw new Error(`cannot reach ${base(options.endpoint)}: ${(cause as Error).message}`, { cause });
  }
  if (!res.ok) throw await hubError(res, options, repo, revision);
  const body = (await res.json()) as {
    sha?: unknown;
    siblings?: Array<{
      rfilename?: unknown;
      size?: unknown;
      blobId?: unknown;
      lfs?: { sha256?: unknown; size?: unknown };
    }>;
  };
  if (!Array.isArray(body.siblings)) {
    throw new Error(`${url} did not list the repository's files (no "siblings" array)`);
  }
  const files: HubFile[] = [];
  for (const s of body.siblings) {
    const path = s.rfilename;
    if (typeof path !== "string" || !safePath(path)) {
      throw new Error(`${url} lists a file path the fetch will not write: ${JSON.stringify(path)}`);
    }
    if (path.split("/").some((seg) => seg.startsWith(".")) || path === "avs-model.json") continue;
    const lfsSize = typeof s.lfs?.size === "number" ? s.lfs.size : undefined;
    files.push({
      path,
      size: lfsSize ?? (typeof s.size === "number" ? s.size : undefined),
      sha256: typeof s.lfs?.sha256 === "string" ? s.lfs.sha256.toLowerCase() : undefined,
      gitOid: !s.lfs && typeof s.blobId === "string" ? s.blobId.toLowerCase() : undefined,
    });
  }
  const commit = typeof body.sha === "string" && body.sha ? body.sha : revision;
  return { repo, revision, commit, files };
}
