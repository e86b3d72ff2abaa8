/**
 * @module The benchmark's input picture: a PNG written here with no image library (so benchmarking a URL needs
 * nothing native), with gradients and a fine texture so that decoding, upscaling and encoding cost what a photo
 * of that size would rather than what a flat colour would.
 */
import { deflateSync } from "node:zlib";

/**
 * A `size`×`size` RGB PNG.
 * @example const png = testImage(256); // Uint8Array starting with the PNG signature
 */
export function testImage(size: number): Uint8Array {
  const row = 1 + size * 3;
  const raw = Buffer.alloc(row * size);
  for (let y = 0; y < size; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const i = y * row + 1 + x * 3;
      const texture = ((x * 7919 + y * 104729) % 61) - 30;
      raw[i] = clamp((x * 255) / size + texture);
      raw[i + 1] = clamp((y * 255) / size - texture);
      raw[i + 2] = clamp(128 + 100 * Math.sin((x + y) / 9) + texture);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

let table: Uint32Array | undefined;
function crc32(buf: Buffer): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of buf) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
