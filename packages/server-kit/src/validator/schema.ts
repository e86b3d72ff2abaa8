/** @module Schema helpers: flatten `allOf` object schemas and find the fields a validator must treat specially. */
import type { SchemaObject } from "../openapi.js";

/**
 * Merges `allOf` parts of an object schema into one `{properties, required}` schema (the specs use `allOf` to join
 * bodies, e.g. image-to-video's Livepeer fields and ours, and to tighten `required`, e.g. the orchestrator's `model_id`).
 * @example flattenObjectSchema({ allOf: [{ properties: { a: {} } }, { required: ["a"] }] }) // { properties: { a: {} }, required: ["a"] }
 */
export function flattenObjectSchema(schema: SchemaObject): SchemaObject {
  const { allOf, ...rest } = schema;
  let out: SchemaObject = { ...rest, properties: { ...(rest.properties ?? {}) }, required: [...(rest.required ?? [])] };
  for (const part of allOf ?? []) {
    const flat = flattenObjectSchema(part);
    out = {
      ...flat,
      ...out,
      type: out.type ?? flat.type,
      properties: { ...flat.properties, ...out.properties },
      required: [...new Set([...(flat.required ?? []), ...(out.required ?? [])])],
    };
  }
  return out;
}

/** True for `{type: string, format: binary}`: a file upload. */
export function isFileSchema(schema: SchemaObject | undefined): boolean {
  return schema?.type === "string" && schema.format === "binary";
}

/** The primitive type a schema declares (first non-null type). */
export function primitiveType(schema: SchemaObject | undefined): string | undefined {
  const t = schema?.type;
  return Array.isArray(t) ? t.find((x) => x !== "null") : t;
}
