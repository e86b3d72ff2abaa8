/**
 * @module A job's validated request as the job store keeps it, and back: text fields as JSON, file fields as their
 * bytes (chunks in the store, so any broadcaster sharing it can run the job after the request is gone), and the hash
 * an `Idempotency-Key` is checked against.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isLocalFailure, retryOwnFailures } from "../jobs/own-failures.js";
import type { JobRecord, StoredInputs } from "./model.js";
import type { JobStore } from "./store.js";

/** Files restored from the store up to this size are held in memory; larger ones are spooled to a file. */
const SPOOL_THRESHOLD = 1024 * 1024;

/**
 * Splits a validated body into what the store keeps as JSON and the file fields' bytes.
 * @example const { inputs, files } = splitInputs({ prompt: "", image: file });
 */
export function splitInputs(body: Record<string, unknown>): { inputs: StoredInputs; files: Record<string, Blob> } {
  const inputs: StoredInputs = { fields: {}, files: {} };
  const files: Record<string, Blob> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value instanceof Blob) {
      files[key] = value;
      inputs.files[key] = { name: (value as File).name || "upload", type: value.type, size: value.size };
    } else inputs.fields[key] = value;
  }
  return { inputs, files };
}

/** JSON with object keys sorted at every level, so equal bodies serialise equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 of a request as the job store would run it: the pipeline, the validated fields (defaults applied, so
 * leaving out a default and sending it are the same request) and each file's bytes and type (not its name).
 * @example await requestHash("upscale", inputs, files) // "9f86d0…"
 */
export async function requestHash(
  pipeline: string,
  inputs: StoredInputs,
  files: Record<string, Blob>,
): Promise<string> {
  const hash = createHash("sha256").update(`${pipeline}\n${canonical(inputs.fields)}\n`);
  for (const field of Object.keys(files).sort()) {
    const file = createHash("sha256");
    for await (const chunk of files[field]!.stream() as unknown as AsyncIterable<Uint8Array>) file.update(chunk);
    hash.update(`${field}:${files[field]!.type}:${file.digest("hex")}\n`);
  }
  return hash.digest("hex");
}

/**
 * The body to dispatch, rebuilt from the store: file fields as Files, small ones in memory, larger ones spooled to
 * `dir` (their paths are pushed to `spooled`, for the caller to remove when the job is done). With `retry`, a spool
 * that failed for want of a local resource (a full disk, no descriptor to spare) is tried again for `retryMs`, its
 * partial files removed first.
 * @example const body = await restoreBody(store, job, uploadDir, spooled, { signal, retryMs: 60_000 });
 */
export function restoreBody(
  store: JobStore,
  job: JobRecord,
  dir: string,
  spooled: string[],
  retry?: { signal: AbortSignal; retryMs: number },
): Promise<Record<string, unknown>> {
  if (!retry) return restoreOnce(store, job, dir, spooled);
  const again = async () => {
    await Promise.all(spooled.splice(0).map((p) => rm(p, { force: true })));
    return restoreOnce(store, job, dir, spooled);
  };
  return retryOwnFailures(again, retry.retryMs, retry.signal, isLocalFailure);
}

async function restoreOnce(
  store: JobStore,
  job: JobRecord,
  dir: string,
  spooled: string[],
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { ...job.inputs.fields };
  for (const [field, f] of Object.entries(job.inputs.files)) {
    let blob: Blob;
    if (f.size <= SPOOL_THRESHOLD) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.readFile(job.id, field)) chunks.push(chunk);
      blob = new Blob(chunks as BlobPart[], { type: f.type });
    } else {
      // The caller's data: a directory made here is the owner's only, and the file is new and 0600, as the
      // validator's spool makes them (server-kit's raw-multipart.ts).
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${randomBytes(12).toString("hex")}.input`);
      spooled.push(path);
      const file = createWriteStream(path, { flags: "wx", mode: 0o600 });
      await pipeline(Readable.from(store.readFile(job.id, field)), file);
      blob = await openAsBlob(path, { type: f.type });
    }
    if (blob.size !== f.size) {
      throw new Error(`input ${field} of job ${job.id} has ${blob.size} of its ${f.size} bytes in the job store`);
    }
    body[field] = new File([blob], f.name, { type: f.type });
  }
  return body;
}
