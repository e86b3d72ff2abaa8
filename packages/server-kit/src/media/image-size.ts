/** @module The size of an image from its first bytes (PNG IHDR, JPEG SOF, WebP VP8/VP8L/VP8X), without decoding it. */

/**
 * Width and height of an image from its first bytes (64 KiB are plenty), or undefined for an unknown format.
 * @example imageSize(encodePng(4, 2, new Uint8Array(24))) // { width: 4, height: 2 }
 */
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
    // VP8X: canvas width − 1 and height − 1 as 24-bit little-endian numbers at bytes 24 and 27.
    if (chunk === "VP8X") return { width: 1 + uint24(head, 24), height: 1 + uint24(head, 27) };
    if (chunk === "VP8L") {
      const b = dv.getUint32(21, true);
      return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
    if (chunk === "VP8 ") return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  }
  return undefined;
}

function uint24(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
}
