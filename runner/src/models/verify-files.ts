/**
 * @module `models verify`'s check of a model folder's files against the sha256 its `avs-model.json` records (what
 * `models fetch` writes for every file): each file is streamed through SHA-256, never read whole, and every missing
 * or changed file is reported in one error.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import type { ModelManifest } from "./layout.js";
import { kindOf } from "./special-files.js";

/** A file whose content `avs-model.json` vouches for: its path in the model folder, size and sha256. */
export interface RecordedFile {
  local: string;
  size: number | undefined;
  sha256: string;
}

/** What was checked. */
export interface FilesChecked {
  files: number;
  bytes: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The files `manifest` records a sha256 for (its `files` entries with a `local` path and a `sha256`).
 *
 * @example recordedFiles({ files: [{ path: "onnx/model.onnx", local: "model.onnx", size: 3, sha256: "ab…" }] });
 */
export function recordedFiles(manifest: ModelManifest): RecordedFile[] {
  const files = Array.isArray(manifest.files) ? (manifest.files as Array<Record<string, unknown>>) : [];
  return files.flatMap((f) =>
    f && typeof f.local === "string" && typeof f.sha256 === "string" && SHA256.test(f.sha256)
      ? [{ local: f.local, size: typeof f.size === "number" ? f.size : undefined, sha256: f.sha256 }]
      : [],
  );
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** What is wrong with one recorded file, or `undefined` when its content is the recorded one. */
async function problemOf(dir: string, f: RecordedFile): Promise<string | undefined> {
  const rel = normalize(f.local);
  if (isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) {
    return `${f.local}: a path outside the model folder`;
  }
  const path = join(dir, rel);
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error) {
    return st.code === "ENOENT" || st.code === "ENOTDIR" ? `${f.local} is missing` : `${f.local}: ${st.message}`;
  }
  if (!st.isFile()) return `${f.local} is ${kindOf(st)}, not a regular file`;
  if (f.size !== undefined && st.size !== f.size) return `${f.local} has ${st.size} bytes, recorded ${f.size}`;
  const sha = await sha256Of(path).catch((err: Error) => err);
  if (sha instanceof Error) return `${f.local}: ${sha.message}`;
  return sha === f.sha256 ? undefined : `${f.local} has sha256 ${sha}, recorded ${f.sha256}`;
}

/**
 * Checks every file `manifest` records a sha256 for against the folder `dir`; `onStart` hears how many files and
 * bytes before the hashing starts (it takes about a second per GB).
 *
 * @throws {Error} listing every missing or changed file ("2 of 5 files of org/m differ from avs-model.json: …").
 * @example await checkRecordedFiles("/models/org/m", "org/m", manifest); // { files: 5, bytes: 2_100_000_000 }
 */
export async function checkRecordedFiles(
  dir: string,
  modelId: string,
  manifest: ModelManifest,
  onStart?: (checking: FilesChecked) => void,
): Promise<FilesChecked> {
  const files = recordedFiles(manifest);
  const checking = { files: files.length, bytes: files.reduce((s, f) => s + (f.size ?? 0), 0) };
  if (files.length === 0) return checking;
  onStart?.(checking);
  const problems: string[] = [];
  for (const f of files) {
    const problem = await problemOf(dir, f);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} of ${files.length} files of ${modelId} differ from the sha256 avs-model.json records: ` +
        `${problems.join("; ")}. Fetch the model again (avs-runner models fetch) or restore the files`,
    );
  }
  return checking;
}
