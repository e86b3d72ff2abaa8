/**
 * @module Making a directory and its missing parents (`mkdir -p`) without Node's recursive `mkdir`, which loops for
 * ever, at full CPU, where `mkdir` answers ENOENT under a parent that exists (procfs: `/proc/self/x`): an operator's
 * mistyped path hung the process instead of failing. Here each level is made on its own, so that answer is an error.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The levels of `path` to make, deepest first, up to the first that exists (which must be a directory). */
function missingLevels(path: string, isDirectory: (dir: string) => boolean | undefined): string[] {
  const missing: string[] = [];
  for (let at = resolve(path); ; ) {
    const found = isDirectory(at);
    if (found === true) return missing;
    if (found === false) throw notADirectory(at);
    missing.push(at);
    const up = dirname(at);
    if (up === at) return missing;
    at = up;
  }
}

function notADirectory(path: string): Error {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: "ENOTDIR",
    syscall: "mkdir",
    path,
  });
}

/** Whether `dir` is a directory (true), something else (false) or not there (undefined); other errors are thrown. */
function probe(get: () => { isDirectory(): boolean }): boolean | undefined {
  try {
    return get().isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Makes directory `path` and its missing parents (those made get `mode`, 0777 less the umask by default); a path that
 * is already a directory is left as it is. Throws the failing level's error: ENOTDIR (a file on the way), EACCES,
 * EROFS, or ENOENT where the file system refuses to make it (procfs).
 * @example makeDirectorySync("/var/lib/avs/outputs", 0o700)
 */
export function makeDirectorySync(path: string, mode?: number): void {
  const levels = missingLevels(path, (dir) => probe(() => statSync(dir)));
  for (const dir of levels.reverse()) {
    try {
      mkdirSync(dir, mode === undefined ? undefined : { mode });
    } catch (err) {
      // Made meanwhile by another process: fine when it is a directory.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || probe(() => statSync(dir)) !== true) throw err;
    }
  }
}
