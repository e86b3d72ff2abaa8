/**
 * @module The request's `loras` field: a JSON object string `{"<lora id>": weight}` (Livepeer's format), at most 4
 * entries, weights numbers from 0 to 100, ids `name` or `org/name` (so they stay inside MODEL_DIR and cannot reach
 * into a model's component folders). Every problem is a 400 that names it.
 */
import { BadRequestError } from "../errors.js";

/** At most this many LoRAs per request (Livepeer's limit). */
export const MAX_LORAS = 4;

/**
 * The largest weight (ComfyUI's LoRA loader stops there too; 1 is a LoRA as trained). Far past it the merged
 * weights overflow to Infinity and NaN, and the image comes out black with a 200 (1e30 did).
 */
export const MAX_LORA_WEIGHT = 100;

/** One requested LoRA. */
export interface LoraRequest {
  id: string;
  weight: number;
}

/** A Hugging Face-style id: `name` or `org/name`, segments of letters, digits, `_`, `-`, `.` (never `.` or `..`). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Checks that a LoRA id is `name` or `org/name` of plain segments: `MODEL_DIR/<id>` cannot leave MODEL_DIR, and
 * cannot name a folder deeper than a Hugging Face-style repository (`org/model/unet` is a model's component).
 *
 * @example
 * isSafeLoraId("org/my-lora"); // true
 * isSafeLoraId("../etc"); // false
 * isSafeLoraId("org/model/unet"); // false
 */
export function isSafeLoraId(id: string): boolean {
  const parts = id.split("/");
  return id.length <= 256 && parts.length <= 2 && parts.every((p) => SEGMENT.test(p) && p !== "." && p !== "..");
}

/**
 * Parses the `loras` string; `""` (the default) means none. Entries come back sorted by id, so the same set in any
 * order shares one merged-weights cache entry.
 *
 * @throws {BadRequestError} with the reason.
 * @example
 * parseLoras('{"org/lora": 0.8}'); // [{ id: "org/lora", weight: 0.8 }]
 */
export function parseLoras(text: string | undefined): LoraRequest[] {
  if (text === undefined || text.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BadRequestError(
      `loras must be a JSON object of LoRA ids and weights, e.g. {"org/lora": 0.8}; got invalid JSON (${(cause as Error).message})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BadRequestError(
      `loras must be a JSON object of LoRA ids and weights, e.g. {"org/lora": 0.8}; got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_LORAS) {
    throw new BadRequestError(`at most ${MAX_LORAS} LoRAs per request, got ${entries.length}`);
  }
  return entries
    .map(([id, weight]) => {
      if (!isSafeLoraId(id)) {
        throw new BadRequestError(
          `LoRA id ${JSON.stringify(id)} is not allowed: use "name" or "org/name" (one or two segments of letters, digits, _ - .), the folder of an installed LoRA in the models directory`,
        );
      }
      // A number past a double's range (1e999) parses as Infinity: shown as such, not as JSON's "null".
      if (typeof weight !== "number" || !(weight >= 0 && weight <= MAX_LORA_WEIGHT)) {
        const got = typeof weight === "number" ? String(weight) : JSON.stringify(weight);
        throw new BadRequestError(
          `LoRA ${JSON.stringify(id)}: weight must be a number from 0 to ${MAX_LORA_WEIGHT}, got ${got}`,
        );
      }
      return { id, weight };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
