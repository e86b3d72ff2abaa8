/**
 * @module The one place request bodies are built: camelCase options → the spec's snake_case fields, files through
 * `toFile`, and `multipart/form-data` as a `FormData` (whose boundary `fetch` writes into the Content-Type itself —
 * never set that header by hand).
 */
import { type CallTarget, InvalidInputError } from "../errors.js";
import { isUploadable, toFile, type Uploadable } from "../uploadable.js";
import { toSnakeCase } from "./case.js";

/** A request body in the spec's field names, with files resolved to `File`s. */
export type WireFields = Record<string, string | number | boolean | File>;

/**
 * Renames options to spec fields, drops `undefined`, turns the `fileFields` (a string there is a path) into `File`s
 * and a `loras` object into its JSON string. Anything a request cannot carry — options that are not an object, a file
 * that cannot be read, bytes outside a file field, a value other than a string, number or boolean (a BigInt), a NaN or
 * infinite number — is an {@link InvalidInputError} of `target` whose `cause` is the original error, before any
 * request exists.
 *
 * @example
 * await toWireFields({ modelId: "m", loras: { "a/b": 0.5 } }, [], target); // { model_id: "m", loras: '{"a/b":0.5}' }
 */
export async function toWireFields(
  options: object,
  fileFields: readonly string[],
  target: CallTarget,
): Promise<WireFields> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError(target, `the options must be an object, got ${options}`);
  }
  const fields: WireFields = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const name = toSnakeCase(key);
    if (fileFields.includes(name)) {
      try {
        fields[name] = await toFile(value as Uploadable, name);
      } catch (err) {
        throw new InvalidInputError(target, `${key}: ${(err as Error).message}`, { cause: err });
      }
    } else if (name === "loras" && typeof value === "object" && value !== null) fields[name] = JSON.stringify(value);
    else if (isUploadable(value)) {
      throw new InvalidInputError(
        target,
        `option "${key}" is not a file field; files go in: ${fileFields.join(", ") || "none"}`,
      );
    } else if (!["string", "number", "boolean"].includes(typeof value)) {
      throw new InvalidInputError(
        target,
        `option "${key}" must be a string, number or boolean, got ${value === null ? "null" : `a ${typeof value}`}`,
      );
    } else if (typeof value === "number" && !Number.isFinite(value)) {
      // JSON would send it as null, and the gateway's 422 read "got null".
      throw new InvalidInputError(target, `option "${key}" must be a finite number, got ${value}`);
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
