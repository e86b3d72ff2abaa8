/**
 * @module Files that are not regular files where a model's files are expected: a FIFO blocks the read that opens it
 * until a writer comes (for ever, on a models volume), a character device streams without end, a socket or a folder
 * cannot be read at all. Every such file is found with `stat` (following symlinks, which may point at shared
 * weights), never opened, and refused by name and kind: for a whole model folder before anything in it is read
 * (`models verify`, the runner's load), and for each ONNX file before it is opened.
 */
import { readdirSync, type Stats, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Folders deeper than this in a model folder are not looked into (the deepest layouts nest two or three). */
const MAX_DEPTH = 16;

/**
 * What a file that is not a regular file is, as messages name it: "a FIFO (named pipe)", "a folder", …
 *
 * @example kindOf(statSync("/dev/null")); // "a character device"
 */
export function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a folder";
  if (st.isSymbolicLink()) return "a symbolic link";
  return st.isFile() ? "a regular file" : "not a regular file";
}

/**
 * Checks that `file` (after symlinks) is a regular file before anything opens it; a missing file is left to the
 * caller, which names what to install.
 *
 * @throws {Error} "/models/org/m/unet/model.onnx is a FIFO (named pipe), not a regular file: a model file must be
 *   a regular file (or a symlink to one)".
 * @example checkRegularFile("/models/tiny/esrgan-x4/model.onnx");
 */
export function checkRegularFile(file: string): void {
  let st: Stats;
  try {
    st = statSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) {
    throw new Error(
      `${file} is ${kindOf(st)}, not a regular file: a model file must be a regular file (or a symlink to one)`,
    );
  }
}

/**
 * A model file's bytes, read only once {@link checkRegularFile} found it a regular file.
 *
 * @example const bytes = await readModelFile("/models/tiny/esrgan-x4/model.onnx");
 */
export async function readModelFile(file: string): Promise<Buffer> {
  checkRegularFile(file);
  return readFile(file);
}

/** Each entry under `dir` (through symlinked folders, each folder once) that is no regular file or folder. */
function specialFiles(dir: string, rel: string, seen: Set<string>, depth: number, found: string[]): void {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const path = rel ? `${rel}/${name}` : name;
    let st: Stats;
    try {
      st = statSync(join(dir, path));
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (depth < MAX_DEPTH && !seen.has(id)) {
        seen.add(id);
        specialFiles(dir, path, seen, depth + 1, found);
      }
    } else if (!st.isFile()) {
      found.push(`${path} is ${kindOf(st)}`);
    }
  }
}

/**
 * Checks, before any file of the model folder `dir` is read, that everything in it (after symlinks) is a regular
 * file or a folder. Broken symlinks and unreadable entries are left to the load, which names what it misses.
 *
 * @throws {Error} naming every other entry and what it is: "the model folder /models/tiny/sd15 holds a file that
 *   is not a regular file: unet/model.onnx is a FIFO (named pipe). A model folder holds regular files and folders (or
 *   symlinks to them) only; replace them with the model's files".
 * @example checkModelFolderFiles("/models/tiny/sd15");
 */
export function checkModelFolderFiles(dir: string): void {
  const found: string[] = [];
  let root: Stats;
  try {
    root = statSync(dir);
  } catch {
    return;
  }
  specialFiles(dir, "", new Set([`${root.dev}:${root.ino}`]), 0, found);
  if (found.length === 0) return;
  const one = found.length === 1;
  const what = one ? "a file that is not a regular file" : `${found.length} files that are not regular files`;
  throw new Error(
    `the model folder ${dir} holds ${what}: ${found.join("; ")}. A model folder holds regular files and folders ` +
      `(or symlinks to them) only; replace ${one ? "it" : "them"} with the model's files`,
  );
}
