/**
 * @module Failures of this machine rather than of a request or a peer: a local resource ran out (file descriptors,
 * disk, memory) or the file system refuses writes. A server answers them with 503 and `Retry-After` (the request was
 * fine, and may succeed in a moment or on another server), never as the client's fault: see `shortOfResources`.
 */
/**
 * Error codes that mean this machine is out of something, whoever it was talking to. `SQLITE_FULL` is SQLite's
 * (better-sqlite3's `code`) for a write that failed with ENOSPC: its errors carry no errno. Its I/O errors
 * (`SQLITE_IOERR_WRITE`, `…_FSYNC`) are left out: they say nothing of why, and a broken disk is not a shortage.
 */
const LOCAL_RESOURCE = new Set(["EMFILE", "ENFILE", "ENOSPC", "EDQUOT", "ENOMEM", "EROFS", "SQLITE_FULL"]);

/**
 * The local-resource code of an error (or of its causes, four deep), if it is one.
 * @example localResourceCode(Object.assign(new Error("no space"), { code: "ENOSPC" })) // "ENOSPC"
 */
export function localResourceCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as never, i++) {
    if (typeof e.code === "string" && LOCAL_RESOURCE.has(e.code)) return e.code;
  }
  return undefined;
}
