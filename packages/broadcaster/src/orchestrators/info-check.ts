/**
 * @module What the broadcaster keeps of an orchestrator's `/info`: someone else's server's answer, checked item by
 * item on receipt against `OrchestratorInfo` in `specs/orchestrator.yaml`, so that selection only ever reads
 * well-formed capabilities. A malformed capability is dropped (the others are kept); an answer without a
 * `capabilities` array is refused whole.
 */
import type { Capability, OrchestratorInfo } from "./orchestrator.js";

/** An `/info` as kept, and what was dropped of it (one line per dropped capability, for the log). */
export interface CheckedInfo {
  info: OrchestratorInfo;
  dropped: string[];
}

/**
 * Checks a parsed `/info` body; throws when it has no `capabilities` array (the whole answer is malformed).
 * @example checkInfo({ capabilities: [null] }).dropped // ["capability 0: not an object"]
 */
export function checkInfo(value: unknown): CheckedInfo {
  const body = value as Partial<OrchestratorInfo> | null;
  if (!body || typeof body !== "object" || !Array.isArray(body.capabilities)) {
    throw new Error("/info has no capabilities array");
  }
  const dropped: string[] = [];
  const capabilities: Capability[] = [];
  body.capabilities.forEach((c, i) => {
    const why = capabilityFault(c);
    if (why) dropped.push(`capability ${i}${named(c)}: ${why}`);
    else capabilities.push(c);
  });
  return { info: { ...body, capabilities } as OrchestratorInfo, dropped };
}

/** What is wrong with one capability, or undefined when nothing is. */
function capabilityFault(c: unknown): string | undefined {
  if (!c || typeof c !== "object" || Array.isArray(c)) return "not an object";
  const cap = c as Record<string, unknown>;
  if (typeof cap.pipeline !== "string" || cap.pipeline === "") return "pipeline is not a non-empty string";
  if (typeof cap.model_id !== "string" || cap.model_id === "") return "model_id is not a non-empty string";
  if (typeof cap.warm !== "boolean") return `warm is ${shown(cap.warm)}, not a boolean`;
  if (!count(cap.capacity)) return `capacity is ${shown(cap.capacity)}, not a whole number ≥ 0`;
  if (!count(cap.in_use)) return `in_use is ${shown(cap.in_use)}, not a whole number ≥ 0`;
  const price = cap.price as Record<string, unknown> | null | undefined;
  if (!price || typeof price !== "object") return `price is ${shown(cap.price)}, not {price_per_unit, pixels_per_unit}`;
  const { price_per_unit: per, pixels_per_unit: pixels } = price;
  if (typeof per !== "number" || !Number.isFinite(per) || per < 0) {
    return `price.price_per_unit is ${shown(per)}, not a number ≥ 0`;
  }
  if (typeof pixels !== "number" || !Number.isFinite(pixels) || pixels <= 0) {
    return `price.pixels_per_unit is ${shown(pixels)}, not a number > 0`;
  }
  return undefined;
}

const count = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** A value as a log line shows it: short, whatever an orchestrator sent. */
function shown(v: unknown): string {
  if (v === undefined) return "missing";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** ` (pipeline/model)` when the item names them, for the log. */
function named(c: unknown): string {
  const cap = c as { pipeline?: unknown; model_id?: unknown } | null;
  return cap && typeof cap.pipeline === "string" && typeof cap.model_id === "string"
    ? ` (${shown(`${cap.pipeline}/${cap.model_id}`)})`
    : "";
}
