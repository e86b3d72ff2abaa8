/**
 * @module Units of work of a job — output pixels × steps — so latencies of different jobs compare per unit.
 * Image inputs are sized from their header (PNG IHDR, JPEG SOF, WebP VP8/VP8L/VP8X) without decoding.
 */

/** Width and height of an image from its first bytes, or undefined for an unknown format. */
export function imageSize(head: Uint8Array): { width: number; height: number } | undefined {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 24 && dv.getUint32(0) === 0x89504e47 && dv.getUint32(12) === 0x49484452) {
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) {
    let i = 2;
    while (i + 9 < head.length) {
      if (head[i] !== 0xff) return undefined;
      const marker = head[i + 1]!;
      const len = dv.getUint16(i + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      }
      i += 2 + len;
    }
    return undefined;
  }
  if (head.length >= 30 && dv.getUint32(0) === 0x52494646 && dv.getUint32(8) === 0x57454250) {
    const chunk = String.fromCharCode(...head.subarray(12, 16));
    if (chunk === "VP8X")
      return { width: 1 + (dv.getUint32(24, true) & 0xffffff), height: 1 + (dv.getUint32(27, true) & 0xffffff) };
    if (chunk === "VP8L") {
      const b = dv.getUint32(21, true);
      return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
    if (chunk === "VP8 ") return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  }
  return undefined;
}

/** Assumed size of an input image whose header could not be read. */
const FALLBACK_PIXELS = 512 * 512;

/**
 * Pixels × steps of a validated job body (defaults applied): width × height × images × steps for text-to-image,
 * the input image's pixels × images × steps for the image pipelines (upscale and video scale with the input).
 * @example await workUnits("text-to-image", { width: 512, height: 512, num_inference_steps: 4 }) // 1048576
 */
export async function workUnits(pipeline: string, body: Record<string, unknown>): Promise<number> {
  const steps = Math.max(1, Number(body.num_inference_steps ?? 1));
  const images = Math.max(1, Number(body.num_images_per_prompt ?? 1));
  if (pipeline === "text-to-image" || pipeline === "image-to-video") {
    if (typeof body.width === "number" && typeof body.height === "number") {
      return body.width * body.height * images * steps;
    }
  }
  const image = body.image;
  let pixels = FALLBACK_PIXELS;
  if (image instanceof Blob) {
    const size = imageSize(new Uint8Array(await image.slice(0, 65536).arrayBuffer()));
    if (size) pixels = size.width * size.height;
  }
  return pixels * images * steps;
}
