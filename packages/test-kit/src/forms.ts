/** @module multipart/form-data bodies for tests: bytes become file parts, everything else text parts. */
import { PNG_SIGNATURE } from "@ai-video-subnet/server-kit";
import { png } from "./fixtures/png.js";

/** A field of a test form: text, a number or boolean (sent as text), or a file. */
export type FormValue = string | number | boolean | Uint8Array | Blob;

/**
 * A multipart body from fields; bytes become file parts (`<field>.png` with `image/png` for PNG bytes, else
 * `<field>.bin`). Never set its Content-Type by hand: `fetch` adds the boundary.
 * @example await fetch(`${url}/upscale`, { method: "POST", body: form({ model_id: "m", prompt: "", image: png(8, 8) }) })
 */
export function form(fields: Record<string, FormValue | undefined>): FormData {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Blob) f.append(name, value, (value as File).name || name);
    else if (value instanceof Uint8Array) {
      const isPng = PNG_SIGNATURE.every((b, i) => value[i] === b);
      const file = new Blob([new Uint8Array(value)], { type: isPng ? "image/png" : "application/octet-stream" });
      f.append(name, file, `${name}.${isPng ? "png" : "bin"}`);
    } else f.append(name, String(value));
  }
  return f;
}

/**
 * The multipart body of an upscale job (an empty prompt, as ESRGAN needs none) of `image` (default a 16×16 PNG).
 * @example await fetch(`${url}/upscale`, { method: "POST", body: upscaleForm("tiny/esrgan-x4", png(16, 12)) })
 */
export function upscaleForm(
  modelId: string,
  image: Uint8Array | Blob = png(16, 16),
  extra: Record<string, FormValue> = {},
): FormData {
  return form({ model_id: modelId, prompt: "", image, ...extra });
}
