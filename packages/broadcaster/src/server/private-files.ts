/**
 * @module The modes of what the broadcaster writes: its files hold secrets (webhook secrets, prompts, inputs, the
 * outputs' names, which are all it takes to fetch them), so only its own user may read them or list their directory.
 */
import { chmodSync, closeSync, openSync, statSync } from "node:fs";

/** The mode of every file the broadcaster creates. */
export const PRIVATE_FILE = 0o600;
/** The mode of every directory the broadcaster makes (one that exists, maybe the operator's, keeps its own). */
export const PRIVATE_DIR = 0o700;

/** Throws `err` unless its code is one of `codes`. */
function unless(err: unknown, codes: string[]): void {
  if (!codes.includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
}

/**
 * Creates file `path` empty and {@link PRIVATE_FILE} if it is not there, and makes it and `companions` (files another
 * library creates beside it) {@link PRIVATE_FILE} where they are files readable by others (left so by an earlier
 * version). Something else at `path` (a directory) is left for its opener to report; another user's file too.
 * @example makePrivateFile("outputs/jobs.sqlite", ["outputs/jobs.sqlite-wal", "outputs/jobs.sqlite-shm"])
 */
export function makePrivateFile(path: string, companions: string[] = []): void {
  try {
    closeSync(openSync(path, "wx", PRIVATE_FILE));
  } catch (err) {
    unless(err, ["EEXIST"]);
  }
  for (const file of [path, ...companions]) {
    try {
      const s = statSync(file);
      if (s.isFile() && (s.mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE);
    } catch (err) {
      unless(err, ["ENOENT", "EPERM"]);
    }
  }
}
