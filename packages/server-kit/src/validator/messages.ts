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

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/**
 * One Ajv error as a FastAPI-style issue, located under `where` (e.g. "body", "header").
 * @example toIssue(err, "body", data) // { loc: ["body", "height"], msg: "height must be an integer, got \"abc\"", type: "int_type" }
 */
export function toIssue(error: ErrorObject, where: string, data: unknown): ValidationIssue {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
  const value = valueAt(data, error.instancePath);
  const name = path.length > 0 ? String(path[path.length - 1]) : where;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const field = String(p.missingProperty);
      return { loc: [where, ...path, field], msg: `${field} is required`, type: "missing" };
    }
    case "type": {
      const [label, type] = TYPE_NAMES[String(p.type)] ?? [String(p.type), "type_error"];
      return { loc: [where, ...path], msg: `${name} must be ${label}, got ${show(value)}`, type };
    }
    case "minimum":
      return {
        loc: [where, ...path],
        msg: `${name} must be ≥ ${p.limit}, got ${show(value)}`,
        type: "greater_than_equal",
      };
    case "maximum":
      return {
        loc: [where, ...path],
        msg: `${name} must be ≤ ${p.limit}, got ${show(value)}`,
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
        msg: `${name} must match ${p.pattern}, got ${show(value)}`,
        type: "string_pattern_mismatch",
      };
    case "enum":
      return {
        loc: [where, ...path],
        msg: `${name} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${show(value)}`,
        type: "enum",
      };
    default:
      return { loc: [where, ...path], msg: `${name} ${error.message ?? "is invalid"}`, type: error.keyword };
  }
}
