/**
 * @module The start-up check of a directory setting (`upload-dir`, `output-dir`, the directory of a SQLite
 * `jobs-db`): one that cannot be made or written (a file on the way, a read-only place, a path under procfs) failed
 * each job that needed it, or hung it (Node's recursive mkdir loops under procfs), and the bare `ENOTDIR: mkdir …`
 * at start did not say which setting to fix.
 */
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envName, flagName, makeDirectorySync } from "@ai-video-subnet/server-kit";

/**
 * An error about setting `name` of the broadcaster, in the form every start-up check uses:
 * `<name> (--<name>, AVS_BROADCASTER_<NAME>): <message>`.
 * @example settingError("output-dir", "/srv/x is not a directory; …")
 */
export function settingError(name: string, message: string, cause?: unknown): Error {
  return new Error(`${name} (${flagName(name)}, ${envName("AVS_BROADCASTER_", name)}): ${message}`, { cause });
}

/**
 * What is wrong with a path, from the error of making or writing it (`step`): "is not a directory" for ENOTDIR (a
 * file on the way), else "cannot be <step> (<code>)".
 * @example pathProblem(err, "made") // "cannot be made (EACCES)"
 */
export function pathProblem(err: unknown, step: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOTDIR" ? "is not a directory" : `cannot be ${step} (${code ?? (err as Error).message})`;
}

/**
 * Makes `dir` (levels made get `mode`) and writes and removes a file in it; throws {@link settingError} naming
 * `setting`, the path, what is wrong and `fix`.
 * @example checkWritableDir("output-dir", "/var/lib/avs/outputs", "set it to a directory this process can write")
 */
export function checkWritableDir(setting: string, dir: string, fix: string, mode?: number): void {
  let step = "made";
  try {
    makeDirectorySync(dir, mode);
    step = "written";
    const probe = join(dir, `.avs-write-check-${randomBytes(6).toString("hex")}`);
    writeFileSync(probe, "", { flag: "wx", mode: 0o600 });
    rmSync(probe, { force: true });
  } catch (err) {
    throw settingError(setting, `${dir} ${pathProblem(err, step)}; ${fix}`, err);
  }
}
