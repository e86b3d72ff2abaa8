/**
 * @module The model list in Livepeer's `aiModels.json` shape, accepted as is: an array of
 * `{pipeline, model_id, warm?, capacity?, price_per_unit?, pixels_per_unit?, url?, token?, optimization_flags?}`.
 * Every problem is reported at start-up, naming the entry (`entry 2 (upscale "a/b")`) and what is allowed.
 */
import { readFile } from "node:fs/promises";
import { checkPixelsPerUnit, checkPrice } from "./price.js";

/** One entry as written in `aiModels.json`. */
export interface AiModelEntry {
  pipeline: string;
  model_id: string;
  warm?: boolean;
  capacity?: number;
  price_per_unit?: number | string;
  pixels_per_unit?: number | string;
  currency?: string;
  url?: string;
  token?: string;
  optimization_flags?: Record<string, string | number | boolean>;
}

/** One entry after checking, with defaults applied. */
export interface ModelEntry {
  /** Position in the list (0-based), for messages. */
  index: number;
  pipeline: string;
  modelId: string;
  warm: boolean;
  /** Jobs this entry's runner takes at once. */
  capacity: number;
  pricePerUnit: number;
  pixelsPerUnit: number;
  /** Set for an external runner: any server speaking the runner API. */
  url?: string;
  token?: string;
  /** Passed to the runner as environment variables (`NAME=value`). */
  optimizationFlags: Record<string, string>;
}

/** A configuration problem found at start-up; the message names the setting or entry. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

const KNOWN = new Set([
  "pipeline",
  "model_id",
  "warm",
  "capacity",
  "price_per_unit",
  "pixels_per_unit",
  "currency",
  "url",
  "token",
  "optimization_flags",
]);

/**
 * The runner settings the launchers set for every runner they start, and from what: a flag of the same name would be
 * overridden without a word, so it is refused.
 */
const SET_BY_ORCHESTRATOR: Readonly<Record<string, string>> = {
  PIPELINE: "the entry's pipeline",
  MODEL_ID: "the entry's model_id",
  MODEL_DIR: "the models directory (the models-dir setting)",
  AUTH_TOKEN: "a random token of its own",
  PORT: "a free port",
  HOST: "its listen address",
  QUEUE_SIZE: "the entry's capacity as QUEUE_SIZE (set capacity instead)",
};

/** A model id a runner takes (`runner/src/models/layout.ts`): `name` or `org/name`. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * Checks a parsed `aiModels.json` and returns its entries. `pipelines` are the pipelines this orchestrator
 * can route (from its spec). Unknown keys are returned as warnings, not errors, so a Livepeer file works as is.
 * @example
 * const { entries } = parseAiModels([{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true }], PIPELINES);
 */
export function parseAiModels(
  value: unknown,
  pipelines: readonly string[],
  source = "aiModels.json",
): { entries: ModelEntry[]; warnings: string[] } {
  if (!Array.isArray(value)) {
    throw new ConfigError(`${source} must be a JSON array of model entries, got ${kind(value)}`);
  }
  if (value.length === 0) throw new ConfigError(`${source} lists no models; add at least one entry`);
  const warnings: string[] = [];
  const entries = value.map((raw, index) => {
    const where = () => `${source} entry ${index}${label(raw)}`;
    const fail = (msg: string): never => {
      throw new ConfigError(`${where()}: ${msg}`);
    };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(`must be an object, got ${kind(raw)}`);
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!KNOWN.has(key)) warnings.push(`${where()}: ignoring unknown key "${key}"`);
    if (typeof e.pipeline !== "string" || !pipelines.includes(e.pipeline)) {
      fail(`pipeline must be one of ${pipelines.join(", ")}, got ${show(e.pipeline)}`);
    }
    if (typeof e.model_id !== "string" || e.model_id.trim() === "") {
      fail(`model_id must be a non-empty string, got ${show(e.model_id)}`);
    }
    if (e.warm !== undefined && typeof e.warm !== "boolean") fail(`warm must be true or false, got ${show(e.warm)}`);
    const capacity = e.capacity ?? 1;
    // Past 2^53 − 1 the number is not the one written, and the runner's QUEUE_SIZE refuses it.
    if (typeof capacity !== "number" || !Number.isSafeInteger(capacity) || capacity < 1) {
      fail(`capacity must be an integer from 1 to ${Number.MAX_SAFE_INTEGER} (2^53 − 1), got ${show(e.capacity)}`);
    }
    const pricePerUnit = numberField(e.price_per_unit, 0, "price_per_unit", checkPrice, fail);
    const pixelsPerUnit = numberField(e.pixels_per_unit, 1, "pixels_per_unit", checkPixelsPerUnit, fail);
    let url: string | undefined;
    if (e.url !== undefined && e.url !== "") {
      if (typeof e.url !== "string" || !/^https?:\/\/[^/]/.test(e.url)) {
        fail(`url must be an http(s) URL of a runner, got ${show(e.url)}`);
      }
      url = (e.url as string).replace(/\/+$/, "");
    }
    // A runner this orchestrator starts loads `<models dir>/<model_id>`: the runner's own rule, checked here so that
    // an id it refuses is a start-up error and not a runner restarted over and over.
    if (url === undefined && (!MODEL_ID.test(e.model_id as string) || (e.model_id as string).includes(".."))) {
      fail(
        `model_id ${show(e.model_id)} is not a folder name a runner can load from the models directory: use "name" or "org/name" (letters, digits, . _ -; no "..")`,
      );
    }
    if (e.token !== undefined && typeof e.token !== "string") fail(`token must be a string, got ${show(e.token)}`);
    if (e.token && !url) fail(`token is only used with url (an external runner); remove it or add url`);
    const flags = e.optimization_flags ?? {};
    if (flags === null || typeof flags !== "object" || Array.isArray(flags)) {
      fail(`optimization_flags must be an object of NAME: value, got ${show(flags)}`);
    }
    const optimizationFlags: Record<string, string> = {};
    for (const [k, v] of Object.entries(flags as object)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`optimization_flags key ${show(k)} is not a valid variable name`);
      if (url === undefined && Object.hasOwn(SET_BY_ORCHESTRATOR, k)) {
        fail(
          `optimization_flags.${k} cannot be set: the orchestrator gives its runner ${SET_BY_ORCHESTRATOR[k]}; remove it`,
        );
      }
      if (!["string", "number", "boolean"].includes(typeof v)) {
        fail(`optimization_flags.${k} must be a string, number or boolean, got ${show(v)}`);
      }
      optimizationFlags[k] = String(v);
    }
    return {
      index,
      pipeline: e.pipeline as string,
      modelId: e.model_id as string,
      warm: e.warm === true,
      capacity: capacity as number,
      pricePerUnit,
      pixelsPerUnit,
      ...(url ? { url } : {}),
      ...(typeof e.token === "string" && e.token ? { token: e.token } : {}),
      optimizationFlags,
    } satisfies ModelEntry;
  });
  checkRepeats(entries, source);
  return { entries, warnings };
}

/**
 * Entries listed twice for one pipeline and model run two runners whose capacities add up, but `/info` advertises one
 * price per model (the first entry's): a different price on a later entry would be ignored without a word. One
 * external runner (it serves one pipeline and model) listed twice would have its capacity counted twice.
 */
function checkRepeats(entries: ModelEntry[], source: string): void {
  const first = new Map<string, ModelEntry>();
  const urls = new Map<string, ModelEntry>();
  for (const e of entries) {
    const key = `${e.pipeline}\u0000${e.modelId}`;
    const f = first.get(key);
    if (!f) first.set(key, e);
    else if (f.pricePerUnit !== e.pricePerUnit || f.pixelsPerUnit !== e.pixelsPerUnit) {
      throw new ConfigError(
        `${entryName(source, e)}: price_per_unit ${e.pricePerUnit} / pixels_per_unit ${e.pixelsPerUnit} differ from entry ${f.index}'s (${f.pricePerUnit} / ${f.pixelsPerUnit}) for the same pipeline and model; /info advertises one price per model, so give every entry of it the same price`,
      );
    }
    if (e.url === undefined) continue;
    // One URL may serve several pipelines (a proxy routing by path), but one model listed twice at it is one runner
    // counted twice.
    const u = urls.get(`${key}\u0000${e.url}`);
    if (u) {
      throw new ConfigError(
        `${entryName(source, e)}: the runner at ${e.url} is already entry ${u.index} for this pipeline and model; listed twice its capacity would count twice, so raise that entry's capacity instead`,
      );
    }
    urls.set(`${key}\u0000${e.url}`, e);
  }
}

/**
 * Reads and checks an `aiModels.json` file.
 * @example const { entries } = await readAiModels("./aiModels.json", ["upscale"]);
 */
export async function readAiModels(
  path: string,
  pipelines: readonly string[],
): Promise<{ entries: ModelEntry[]; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read the model list ${path}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseAiModels(value, pipelines, path);
}

/**
 * A numeric field (a number or a numeric string), checked by `check`; `fallback` when absent or null (as Livepeer's
 * Go reads a null). An empty string is checked, and refused: `"price_per_unit": ""` made a model free.
 */
function numberField(
  v: unknown,
  fallback: number,
  name: string,
  check: (value: number | string) => number | string,
  fail: (msg: string) => never,
): number {
  if (v === undefined || v === null) return fallback;
  const checked = typeof v === "number" || typeof v === "string" ? check(v) : `must be a number, got ${show(v)}`;
  return typeof checked === "number" ? checked : fail(`${name} ${checked}`);
}

/**
 * How messages name a checked entry: the file it came from, its position and what it serves.
 * @example entryName("chain.json", { index: 1, pipeline: "upscale", modelId: "b" }) // 'chain.json entry 1 (upscale "b")'
 */
export function entryName(source: string, e: Pick<ModelEntry, "index" | "pipeline" | "modelId">): string {
  return `${source} entry ${e.index} (${e.pipeline} ${JSON.stringify(e.modelId)})`;
}

function label(raw: unknown): string {
  const e = raw as { pipeline?: unknown; model_id?: unknown } | null;
  if (!e || typeof e !== "object") return "";
  const p = typeof e.pipeline === "string" ? e.pipeline : "?";
  const m = typeof e.model_id === "string" ? ` ${JSON.stringify(e.model_id)}` : "";
  return ` (${p}${m})`;
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : show(v);
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
