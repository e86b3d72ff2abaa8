/**
 * @module The one place request bodies are built: camelCase options → the spec's snake_case fields, files through
 * `toFile`, and `multipart/form-data` as a `FormData` (whose boundary `fetch` writes into the Content-Type itself —
 * never set that header by hand).
 */
import { isUploadable, toFile, type Uploadable } from "../uploadable.js";
import { toSnakeCase } from "./case.js";

/** A request body in the spec's field names, with files resolved to `File`s. */
export type WireFields = Record<string, string | number | boolean | File>;

/**
 * Renames options to spec fields, drops `undefined`, turns the `fileFields` (a string there is a path) into `File`s
 * and a `loras` object into its JSON string.
 *
 * @example
 * await toWireFields({ modelId: "m", loras: { "a/b": 0.5 } }, []); // { model_id: "m", loras: '{"a/b":0.5}' }
 */
export async function toWireFields(options: object, fileFields: readonly string[]): Promise<WireFields> {
  const fields: WireFields = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const name = toSnakeCase(key);
    if (fileFields.includes(name)) fields[name] = await toFile(value as Uploadable, name);
    else if (name === "loras" && typeof value === "object" && value !== null) fields[name] = JSON.stringify(value);
    else if (isUploadable(value) && typeof value !== "string") {
      throw new TypeError(`option "${key}" is not a file field; files go in: ${fileFields.join(", ") || "none"}`);
    } else fields[name] = value as string | number | boolean;
  }
  return fields;
}

/**
 * A `FormData` of `fields`: files as file parts, everything else as its string form.
 *
 * @example
 * const body = toFormData({ prompt: "a cat", image: file, strength: 0.5 });
 */
export function toFormData(fields: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof File) form.append(name, value, value.name);
    else if (value instanceof Blob) form.append(name, value);
    else form.append(name, String(value));
  }
  return form;
}
