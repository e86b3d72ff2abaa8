/** @module Turns Ajv errors into 422 issues whose messages say what was wrong and what is allowed. */
import type { ErrorObject } from "ajv";
import type { ValidationIssue } from "../http/errors.js";

const TYPE_NAMES: Record<string, [string, string]> = {
  integer: ["an integer", "int_type"],
  number: ["a number", "float_type"],
  boolean: ["a boolean (true or false)", "bool_type"],
  string: ["a string", "string_type"],
  object: ["a JSON object", "dict_type"],
  array: ["an array", "list_type"],
};

const PREVIEW = 40;

/**
 * A short, safe rendering of a received value for an error message: at most 40 characters (then `…`), built
 * without ever serialising the whole value, so a huge or deeply nested body costs no more than its first bytes.
 * @example show("abc") // '"abc"'
 * @example show({ a: [1, 2] }) // '{"a":[1,2]}'
 */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > PREVIEW ? `${value.slice(0, PREVIEW)}…` : value);
  if (value === undefined) return "nothing";
  if (value instanceof Blob) return "a file";
  const out: string[] = [];
  let length = 0;
  const emit = (part: string): boolean => {
    out.push(part);
    length += part.length;
    return length <= PREVIEW;
  };
  const walk = (v: unknown): boolean => {
    if (typeof v === "string") return emit(JSON.stringify(v.length > PREVIEW ? v.slice(0, PREVIEW + 1) : v));
    if (v === null || typeof v !== "object") return emit(String(v));
    if (Array.isArray(v)) {
      if (!emit("[")) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !emit(",")) || !walk(v[i])) return false;
      return emit("]");
    }
    if (!emit("{")) return false;
    let first = true;
    for (const key in v) {
      if ((!first && !emit(",")) || !emit(`${JSON.stringify(key.slice(0, PREVIEW + 1))}:`)) return false;
      if (!walk((v as Record<string, unknown>)[key])) return false;
      first = false;
    }
    return emit("}");
  };
  walk(value);
  const text = out.join("");
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

/**
 * A received value as a message quotes it: the text a form field or parameter was read from when there is one (what
 * the client sent, `99999999999999999`, not the number it was read as, 1e17), bare and at most 40 characters; else
 * {@link show}, except for a number past ±2^53, which JSON.parse has already rounded: it is given as roughly that
 * (`about 1e+17`), since the digits sent are gone.
 * @example sent(1e17, "99999999999999999") // "99999999999999999"
 * @example sent(1e17, undefined) // "about 1e+17 (a JSON number this large is rounded when read)"
 */
export function sent(value: unknown, text: string | undefined): string {
  if (text !== undefined) {
    const trimmed = text.trim();
    return trimmed.length > PREVIEW ? `${trimmed.slice(0, PREVIEW)}…` : trimmed;
  }
  if (typeof value === "number" && Math.abs(value) > Number.MAX_SAFE_INTEGER && Number.isFinite(value)) {
    return `about ${Number(value.toPrecision(6)).toExponential()} (a JSON number this large is rounded when read)`;
  }
  return show(value);
}

/** The text a value at `path` was read from (a form field, a parameter), when it was read from one. */
export type SentText = (path: ReadonlyArray<string | number>) => string | undefined;

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/**
 * One Ajv error as a FastAPI-style issue, located under `where` (e.g. "body", "header"); `textOf` gives the text a
 * value was read from (a form field), which the message quotes instead of the value (see {@link sent}).
 * @example toIssue(err, "body", data) // { loc: ["body", "height"], msg: "height must be an integer, got \"abc\"", type: "int_type" }
 */
export function toIssue(error: ErrorObject, where: string, data: unknown, textOf?: SentText): ValidationIssue {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
  const value = valueAt(data, error.instancePath);
  const got = sent(value, textOf?.(path));
  const name = path.length > 0 ? String(path[path.length - 1]) : where;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const field = String(p.missingProperty);
      return { loc: [where, ...path, field], msg: `${field} is required`, type: "missing" };
    }
    case "type": {
      const [label, type] = TYPE_NAMES[String(p.type)] ?? [String(p.type), "type_error"];
      return { loc: [where, ...path], msg: `${name} must be ${label}, got ${got}`, type };
    }
    case "minimum":
      return {
        loc: [where, ...path],
        msg: `${name} must be ≥ ${p.limit}, got ${got}`,
        type: "greater_than_equal",
      };
    case "maximum":
      return {
        loc: [where, ...path],
        msg: `${name} must be ≤ ${p.limit}, got ${got}`,
        type: "less_than_equal",
      };
    case "maxLength":
      return {
        loc: [where, ...path],
        msg: `${name} must be at most ${p.limit} characters, got ${typeof value === "string" ? value.length : "?"}`,
        type: "string_too_long",
      };
    case "minLength":
      return {
        loc: [where, ...path],
        // "at least 1 characters" read oddly for the common case, an empty string where one is required.
        msg: p.limit === 1 ? `${name} must not be empty` : `${name} must be at least ${p.limit} characters`,
        type: "string_too_short",
      };
    case "pattern":
      return {
        loc: [where, ...path],
        msg: `${name} must match ${p.pattern}, got ${got}`,
        type: "string_pattern_mismatch",
      };
    case "enum":
      return {
        loc: [where, ...path],
        msg: `${name} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${got}`,
        type: "enum",
      };
    default:
      return { loc: [where, ...path], msg: `${name} ${error.message ?? "is invalid"}`, type: error.keyword };
  }
}
