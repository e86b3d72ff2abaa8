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

/**
 * A short, safe rendering of a received value for an error message (long strings are cut).
 * @example show("abc") // '"abc"'
 */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return "nothing";
  if (value instanceof Blob) return "a file";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
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
      return { loc: [where, ...path], msg: `${name} must be at least ${p.limit} characters`, type: "string_too_short" };
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
