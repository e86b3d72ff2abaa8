/**
 * @module The models folder (`MODEL_DIR`) as the `models` commands and the serve path use it: where it is (an empty
 * env var counts as not set), whether it can be read (`list`, `verify`; serving checks it and the model's folder at
 * start-up, `checkServable`), and creating it for writing (`install`, `fetch`) one level at a time after checking the
 * nearest existing parent, since Node's recursive `mkdir` spins forever under `/proc`.
 */
import { accessSync, constants, readdirSync, type Stats, statSync } from "node:fs";
import { mkdir, rmdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** The models folder when neither `--model-dir` nor `MODEL_DIR` says otherwise. */
export const DEFAULT_MODEL_DIR = "/models";

/**
 * The models folder: the flag's value, else `MODEL_DIR` unless empty, else `/models`.
 *
 * @example modelDirOf(undefined, { MODEL_DIR: "" }); // "/models"
 */
export function modelDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.MODEL_DIR || DEFAULT_MODEL_DIR);
}

/** Who owns `path` and may do what, for a permission error: "owned by uid 0, mode 700; this process runs as uid 65534". */
function whose(path: string): string {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch {}
  const me = process.getuid ? `this process runs as uid ${process.getuid()}` : "";
  if (!st) return me || "";
  return `owned by uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)}${me ? `; ${me}` : ""}`;
}

/** Whether `err` is a permission error. */
function denied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "EACCES" || code === "EPERM";
}

/** What is wrong with a folder: it is `missing`, `not-folder`, `denied` to this user, or another `error`. */
export interface FolderProblem {
  kind: "missing" | "not-folder" | "denied" | "error";
  message: string;
}

/**
 * What keeps the folder `path` (`what`, e.g. "the models folder") from being listed, or `undefined` when nothing does.
 * Synchronous, for start-up checks such as the serve path's.
 *
 * @example inspectFolder("/nonexistent")?.message; // "the models folder /nonexistent does not exist"
 */
export function inspectFolder(path: string, what = "the models folder"): FolderProblem | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing", message: `${what} ${path} does not exist` };
    if (denied(err)) {
      return {
        kind: "denied",
        message: `cannot read ${what} ${path}: permission denied on a folder above it (${whose(dirname(path))})`,
      };
    }
    return { kind: "error", message: `cannot read ${what} ${path}: ${(err as Error).message}` };
  }
  if (!st.isDirectory()) return { kind: "not-folder", message: `${what} ${path} is not a folder` };
  try {
    readdirSync(path);
    return undefined;
  } catch (err) {
    if (denied(err))
      return { kind: "denied", message: `cannot read ${what} ${path}: permission denied (${whose(path)})` };
    return { kind: "error", message: `cannot read ${what} ${path}: ${(err as Error).message}` };
  }
}

/**
 * Why the folder `path` cannot be listed, or `undefined` when it can (see `inspectFolder`).
 *
 * @example folderProblem("/models"); // "cannot read the models folder /models: permission denied (owned by uid 0, mode 700; …)"
 */
export function folderProblem(path: string, what = "the models folder"): string | undefined {
  return inspectFolder(path, what)?.message;
}

/**
 * Checks the folder `path` can be read.
 *
 * @throws {Error} with `folderProblem`'s reason.
 * @example checkReadable("/models");
 */
export function checkReadable(path: string, what = "the models folder"): void {
  const problem = folderProblem(path, what);
  if (problem) throw new Error(problem);
}

/** What to do about a folder problem the serve path found, for the one line a refused start-up prints. */
function fixFor(problem: FolderProblem, models: boolean): string {
  if (problem.kind === "denied") {
    const uid = process.getuid ? `uid ${process.getuid()}` : "this user";
    return `; let ${uid} read it (chown or chmod) or run the runner as its owner`;
  }
  if (models && problem.kind !== "error")
    return "; set MODEL_DIR (--model-dir) to the folder the models are installed in";
  return "";
}

/** Whether this user may pass through the folder `path` (search permission), listable or not. */
function canEnter(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, before a runner loads anything, that the models folder `modelDir` can be read (or at least entered) and that the model's folder
 * `modelFolder` (`MODEL_DIR/<MODEL_ID>`) can be read if it exists. A model folder that does not exist is left to the
 * model's load (the runner then reports `ERROR` with the `models install` command to run).
 *
 * @throws {Error} with `inspectFolder`'s reason and what to fix, on one line: "cannot read the model folder
 *   /models/org/m: permission denied (owned by uid 0, mode 700; this process runs as uid 65534); let uid 65534 read
 *   it (chown or chmod) or run the runner as its owner".
 * @example checkServable("/models", "/models/tiny/esrgan-x4");
 */
export function checkServable(modelDir: string, modelFolder: string): void {
  const models = inspectFolder(modelDir);
  // Serving only passes through the models folder: one others may enter but not list (mode 711) serves.
  if (models && !(models.kind === "denied" && canEnter(modelDir)))
    throw new Error(models.message + fixFor(models, true));
  const model = inspectFolder(modelFolder, "the model folder");
  if (model && model.kind !== "missing") throw new Error(model.message + fixFor(model, false));
}

/** Why the existing folder `at` cannot be written to: a read-only file system, permissions, or another error. */
function unwritable(at: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  // A read-only mount refuses root too: naming owner and mode would send the user after the wrong fix.
  if (code === "EROFS") return `${at} is on a read-only file system (EROFS)`;
  if (!code || denied(err)) return `${at} is not writable by this user (${whose(at)})`;
  return `${at}: ${(err as Error).message}`;
}

/**
 * Removes the folders `created` (as `makeFolder` returns them), deepest first, each only if still empty; never throws.
 *
 * @example await removeCreated(await makeFolder("/models/org")); // /models and /models/org are gone if empty
 */
export async function removeCreated(created: readonly string[]): Promise<void> {
  for (const dir of [...created].reverse()) await rmdir(dir).catch(() => {});
}

/**
 * Creates the folder `path` and any missing parents, one level at a time, after checking that the nearest existing
 * parent is a folder this user can write to; an existing `path` must be a writable folder. Returns the folders it
 * created, outermost first (for `removeCreated` after a later failure); on its own failure it removes them itself.
 *
 * @throws {Error} naming the folder and why it cannot be created or written ("… is a file, not a folder",
 *   "permission denied (owned by …)", "… is on a read-only file system (EROFS)", "the file system at /proc does not
 *   allow new folders", "the disk is full (ENOSPC)").
 * @example await makeFolder("/models/org"); // creates /models and /models/org when missing: ["/models", "/models/org"]
 */
export async function makeFolder(path: string, what = "the models folder"): Promise<string[]> {
  const full = resolve(path);
  const missing: string[] = [];
  let at = full;
  let st: Stats | undefined;
  for (;;) {
    try {
      st = statSync(at);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (denied(err)) throw new Error(`cannot create ${what} ${path}: permission denied at ${at} (${whose(at)})`);
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new Error(`cannot create ${what} ${path}: ${at}: ${(err as Error).message}`);
      if (dirname(at) === at) throw new Error(`cannot create ${what} ${path}: no folder on its path exists`);
      missing.unshift(at);
      at = dirname(at);
    }
  }
  if (!st.isDirectory()) {
    throw new Error(`cannot ${missing.length ? "create" : "use"} ${what} ${path}: ${at} is a file, not a folder`);
  }
  try {
    accessSync(at, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new Error(`cannot write to ${what} ${path}: ${unwritable(at, err)}`);
  }
  const created: string[] = [];
  for (const dir of missing) {
    try {
      await mkdir(dir);
      created.push(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && statSync(dir).isDirectory()) continue;
      await removeCreated(created);
      const why =
        code === "ENOENT" || code === "EPERM" || code === "EROFS"
          ? `the file system at ${dirname(dir)} does not allow new folders (${code})`
          : code === "ENOSPC"
            ? "the disk is full (ENOSPC)"
            : (err as Error).message;
      throw new Error(`cannot create ${what} ${path}: ${why}`);
    }
  }
  return created;
}

/**
 * The message for a model file the pipeline needs and does not find, with the command that installs the model: the
 * same hint from every pipeline (the README promises it).
 * @example missingModelFile("/models/tiny/sd15/model_index.json", "tiny/sd15")
 * // "/models/tiny/sd15/model_index.json does not exist; install the model with `avs-runner models install tiny/sd15`"
 */
export function missingModelFile(file: string, modelId: string): string {
  return `${file} does not exist; install the model with \`avs-runner models install ${modelId}\``;
}
