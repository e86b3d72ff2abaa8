/**
 * @module Unguessable names for stored outputs (served at `/outputs/<name>`): 192 random bits, base64url, and the
 * media extension. Random bytes are drawn for 256 names at a time (as `crypto.randomUUID` batches its own): one call
 * into the CSPRNG per job cost more than the bytes. Each name uses its own bytes once.
 */
import { randomBytes } from "node:crypto";

const NAME_BYTES = 24;
const BATCH = 256;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * A new output name: 32 base64url characters of fresh random bytes, then `.<ext>`.
 * @example outputName("png") // "q3J0…Zx.png"
 */
export function outputName(ext: string): string {
  if (used + NAME_BYTES > pool.length) {
    pool = randomBytes(NAME_BYTES * BATCH);
    used = 0;
  }
  used += NAME_BYTES;
  return `${pool.toString("base64url", used - NAME_BYTES, used)}.${ext}`;
}
