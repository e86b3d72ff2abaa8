/**
 * @module Coerces multipart text fields to the types their schema declares, the way FastAPI/pydantic read
 * form fields ("576" → 576, "true" → true). A value that does not parse is left as the string, so schema
 * validation reports it with the field's name and expected type.
 */
import type { SchemaObject } from "../openapi.js";
import { primitiveType } from "./schema.js";

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(["true", "1", "yes", "on", "t", "y"]);
const FALSE = new Set(["false", "0", "no", "off", "f", "n"]);

/**
 * One form field's text, coerced to its schema's type when it parses.
 * @example coerceFormValue("576", { type: "integer" }) // 576
 * @example coerceFormValue("abc", { type: "integer" }) // "abc" (left for the validator to reject)
 */
export function coerceFormValue(text: string, schema: SchemaObject | undefined): unknown {
  const trimmed = text.trim();
  switch (primitiveType(schema)) {
    case "integer":
      return INTEGER.test(trimmed) ? Number(trimmed) : text;
    case "number":
      return NUMBER.test(trimmed) ? Number(trimmed) : text;
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return text;
    }
    default:
      return text;
  }
}
