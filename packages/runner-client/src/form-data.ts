/**
 * @module The one place request bodies become multipart/form-data: a body with a file in it is sent as
 * multipart (every file route of the runner spec), one without as JSON.
 */

/** True when some field of `body` is a file (`Blob`), so the body must go as multipart/form-data. */
export function hasFile(body: object): boolean {
  return Object.values(body).some((v) => v instanceof Blob);
}

/**
 * A FormData of `body`: files as file parts (named `image.<ext>` when the Blob has no name), numbers and booleans
 * as their text, `undefined`/`null` fields left out. Never set a Content-Type for it by hand: fetch adds the
 * boundary.
 * @example toFormData({ prompt: "", image: pngBlob, seed: 3 }) // parts: prompt="", image=<file>, seed="3"
 */
export function toFormData(body: object): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) {
      const name = (value as Blob & { name?: unknown }).name;
      form.append(key, value, typeof name === "string" && name ? name : key);
    } else if (typeof value === "object") {
      form.append(key, JSON.stringify(value));
    } else {
      form.append(key, String(value));
    }
  }
  return form;
}
