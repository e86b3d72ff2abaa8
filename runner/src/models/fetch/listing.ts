/**
 * @module The shape of a repository listing (`GET /api/models/{repo}/revision/{rev}?blobs=true`), checked before
 * anything is written: an object with the commit `sha` and `siblings`, one entry per file with `rfilename`, `size`,
 * `blobId` and, for LFS files, `lfs.{sha256,size}`. A listing from a server that is no hub, or a hostile one, is
 * refused with one message naming the URL and the entry, instead of failing later inside the file system.
 */
import type { HubFile } from "./hub-api.js";

/** The listing is not one the fetch can act on; the message names the URL and the entry. */
export class ListingError extends Error {
  override name = "ListingError";
}

/** Longest file or folder name most file systems take (bytes of UTF-8). */
const MAX_NAME_BYTES = 255;
/** Longest repository path the fetch writes (bytes of UTF-8); the staging folder's own path comes on top. */
const MAX_PATH_BYTES = 1024;
const SHA256 = /^[0-9a-f]{64}$/i;
const GIT_OID = /^[0-9a-f]{40}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

type Entry = { rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: unknown };

/** Why `path` cannot be written as a file under the staging folder, or `undefined` when it can. */
function pathProblem(path: string): string | undefined {
  if (path.length === 0) return "an empty path";
  if (CONTROL.test(path)) return "a control character in the path";
  if (path.includes("\\")) return "a backslash in the path";
  if (path.startsWith("/")) return "an absolute path";
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return "an empty, . or .. segment";
  if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) return `a name longer than ${MAX_NAME_BYTES} bytes`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `a path longer than ${MAX_PATH_BYTES} bytes`;
  return undefined;
}

/** A byte count as listed: a whole number from 0 to 2^53 − 1, or `undefined` when absent. */
function byteCount(value: unknown, refuse: (why: string) => never, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    refuse(`${field} is ${typeof value === "number" ? value : JSON.stringify(value)}, not a whole number of bytes`);
  }
  return value;
}

/**
 * The files of a listing body (the response's text), in order. Hidden files (`.gitattributes`) and a repository's
 * own `avs-model.json` are left out after their shape is checked: the fetch writes its own manifest.
 *
 * @throws {ListingError} for text that is no JSON, a body that is no listing, an entry that is no file entry, a path
 *   the fetch will not write (absolute, `..`, control characters, names over 255 bytes), a size or hash of the wrong
 *   kind, a path listed twice, or a path that is both a file and a folder.
 * @example
 * parseListing(url, '{"sha":"abc","siblings":[{"rfilename":"model.onnx","size":3,"blobId":"…"}]}').files[0].size; // 3
 */
export function parseListing(url: string, text: string): { commit: string | undefined; files: HubFile[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ListingError(
      `${url} answered with something that is not JSON (${(err as Error).message}; it begins ${JSON.stringify(text.slice(0, 60))}): is the endpoint a Hugging Face-style hub?`,
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ListingError(
      `${url} answered ${Array.isArray(body) ? "an array" : JSON.stringify(body).slice(0, 60)}, not a repository listing (an object with "sha" and "siblings")`,
    );
  }
  const { sha, siblings } = body as { sha?: unknown; siblings?: unknown };
  if (!Array.isArray(siblings)) {
    throw new ListingError(`${url} did not list the repository's files (no "siblings" array)`);
  }
  if (sha !== undefined && sha !== null && (typeof sha !== "string" || CONTROL.test(sha) || sha.length > 200)) {
    throw new ListingError(`${url} lists the commit as ${JSON.stringify(sha).slice(0, 80)}, not a commit id`);
  }
  const files: HubFile[] = [];
  const seen = new Set<string>();
  siblings.forEach((raw: unknown, i) => {
    const name =
      typeof (raw as Entry | null)?.rfilename === "string" ? ` (${JSON.stringify((raw as Entry).rfilename)})` : "";
    const refuse = (why: string): never => {
      throw new ListingError(`${url} lists a file the fetch will not write: siblings[${i}]${name}: ${why}`);
    };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      refuse(`${JSON.stringify(raw)} is no file entry`);
    const s = raw as Entry;
    if (typeof s.rfilename !== "string")
      refuse(`"rfilename" is ${JSON.stringify(s.rfilename) ?? "missing"}, not a path`);
    const path = s.rfilename as string;
    const problem = pathProblem(path);
    if (problem) refuse(problem);
    if (seen.has(path)) refuse("listed twice");
    seen.add(path);
    const lfs = s.lfs === undefined || s.lfs === null ? undefined : s.lfs;
    if (lfs !== undefined && (typeof lfs !== "object" || Array.isArray(lfs))) refuse('"lfs" is not an object');
    const l = (lfs ?? {}) as { sha256?: unknown; size?: unknown };
    const size = byteCount(l.size, refuse, "lfs.size") ?? byteCount(s.size, refuse, "size");
    if (l.sha256 !== undefined && (typeof l.sha256 !== "string" || !SHA256.test(l.sha256))) {
      refuse(`lfs.sha256 ${JSON.stringify(l.sha256)} is not 64 hex digits`);
    }
    if (s.blobId !== undefined && s.blobId !== null && (typeof s.blobId !== "string" || !GIT_OID.test(s.blobId))) {
      refuse(`blobId ${JSON.stringify(s.blobId)} is not a git SHA-1 (40 hex digits)`);
    }
    if (path.split("/").some((seg) => seg.startsWith(".")) || path === "avs-model.json") return;
    files.push({
      path,
      size,
      sha256: typeof l.sha256 === "string" ? l.sha256.toLowerCase() : undefined,
      // An LFS file's blobId is the id of its pointer, not of its content: no check of the content.
      gitOid: lfs === undefined && typeof s.blobId === "string" ? s.blobId.toLowerCase() : undefined,
    });
  });
  for (const path of seen) {
    for (let at = path.indexOf("/"); at > 0; at = path.indexOf("/", at + 1)) {
      if (seen.has(path.slice(0, at))) {
        throw new ListingError(
          `${url} lists ${JSON.stringify(path.slice(0, at))} both as a file and as a folder (${JSON.stringify(path)}); a repository cannot hold both`,
        );
      }
    }
  }
  return { commit: typeof sha === "string" && sha ? sha : undefined, files };
}

/**
 * Why a listed file cannot be checked once downloaded (no size, or neither an LFS sha256 nor a git blob id), or
 * `undefined` when it can. Such a file has no end and no check: the fetch refuses it before downloading anything.
 *
 * @example unverifiable({ path: "big.json", size: undefined, sha256: undefined, gitOid: undefined }); // "no size and no hash"
 */
export function unverifiable(file: HubFile): string | undefined {
  const hash = file.sha256 !== undefined || file.gitOid !== undefined;
  if (file.size === undefined) return hash ? "no size" : "no size and no hash";
  return hash ? undefined : "no hash (neither lfs.sha256 nor a git blobId)";
}
