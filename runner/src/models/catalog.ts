/**
 * @module The models `avs-runner models install <id>` can install without a network: tiny generated test models
 * (`tiny/...`) and real weights shipped in npm packages, converted to ONNX. Each pipeline lists its own (its
 * definition's `catalog`, the entries living beside their factories); this is their union, tiny models first.
 */
import { PIPELINES } from "../pipelines/index.js";
import type { CatalogEntry } from "./catalog-entry.js";

export type { CatalogEntry } from "./catalog-entry.js";

const entries = Object.values(PIPELINES).flatMap((p) => p.catalog);

/** Every installable model. */
export const CATALOG: CatalogEntry[] = [...entries.filter((e) => e.tiny), ...entries.filter((e) => !e.tiny)];

/**
 * The catalog entry of a model id, or an error listing what can be installed.
 * @example catalogEntry("tiny/esrgan-x4").pipeline // "upscale"
 */
export function catalogEntry(id: string): CatalogEntry {
  const e = CATALOG.find((c) => c.id === id);
  if (!e) throw new Error(`unknown model ${JSON.stringify(id)}; installable: ${CATALOG.map((c) => c.id).join(", ")}`);
  return e;
}
