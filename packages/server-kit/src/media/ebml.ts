/**
 * @module The EBML layer of Matroska and WebM (RFC 8794): variable-size integers, element headers (an ID of 1 to 4
 * bytes that keeps its length marker, a size of 1 to 8 bytes, all value bits set meaning "unknown size", §6.2),
 * unsigned integers, and the children of a master element held in memory. The Matroska element IDs read here are
 * those of RFC 9559 §5.1.
 */

/** Matroska element IDs (RFC 9559 §5.1), with their length markers as they stand in the file. */
export const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  info: 0x1549a966,
  timestampScale: 0x2ad7b1,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  defaultDuration: 0x23e383,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
  timestamp: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  blockDuration: 0x9b,
} as const;

/** The children a Cluster may hold (RFC 9559 §5.1.3, with Void and CRC-32): any other ends an unknown-sized one. */
export const CLUSTER_CHILDREN: ReadonlySet<number> = new Set([
  ID.timestamp,
  0x5854, // SilentTracks
  0xa7, // Position
  0xab, // PrevSize
  ID.simpleBlock,
  ID.blockGroup,
  0xaf, // EncryptedBlock
  0xec, // Void
  0xbf, // CRC-32
]);

/** An element's header: its ID, where its data starts, and its data's size (undefined: unknown). */
export interface ElementHeader {
  id: number;
  /** Offset of the data (after the header), in the coordinates of what it was read from. */
  start: number;
  size: number | undefined;
}

/**
 * The variable-size integer at `i` of `bytes` (RFC 8794 §4): its length, and its value without the length marker
 * (`keepMarker`: with it, as element IDs are written); undefined when its first byte is 0 (longer than 8 bytes) or it
 * is cut. `unknown` is set when every value bit is one (an unknown size, §6.2).
 * @example vint(Uint8Array.of(0x40, 0x02), 0) // { value: 2, length: 2, unknown: false }
 */
export function vint(bytes: Uint8Array, i: number, keepMarker = false) {
  const first = bytes[i];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (i + length > bytes.length) return undefined;
  const mask = 0xff >> length;
  let value = keepMarker ? first : first & mask;
  let unknown = (first & mask) === mask;
  for (let k = 1; k < length; k++) {
    value = value * 256 + bytes[i + k]!;
    unknown &&= bytes[i + k] === 0xff;
  }
  return { value, length, unknown };
}

/**
 * The element header at `at`, where `bytes[0]` is at `origin`; undefined when it is cut or malformed (an ID longer
 * than 4 bytes, a size longer than 8).
 * @example elementHeader(Uint8Array.of(0xe7, 0x81, 0x00), 0) // { id: 0xe7, start: 2, size: 1 }
 */
export function elementHeader(bytes: Uint8Array, at: number, origin = 0): ElementHeader | undefined {
  const id = vint(bytes, at - origin, true);
  if (!id || id.length > 4) return undefined;
  const size = vint(bytes, at - origin + id.length);
  if (!size) return undefined;
  return { id: id.value, start: at + id.length + size.length, size: size.unknown ? undefined : size.value };
}

/**
 * The unsigned integer (RFC 8794 §7.2: big-endian, 0 to 8 bytes) in `bytes[start, end)`.
 * @example readUint(Uint8Array.of(0x0f, 0x42, 0x40), 0, 3) // 1000000
 */
export function readUint(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 256 + bytes[i]!;
  return value;
}

/** A child held in memory: its ID and where its data lies. */
export interface Child {
  id: number;
  start: number;
  end: number;
}

/**
 * The children of the master element whose data is `bytes[from, to)`; stops at the first header that is cut,
 * malformed, of unknown size or longer than its parent (nothing after it can be found).
 * @example children(tracks, 0, tracks.length).filter((c) => c.id === ID.trackEntry)
 */
export function children(bytes: Uint8Array, from: number, to: number): Child[] {
  const out: Child[] = [];
  for (let at = from; at < to; ) {
    const header = elementHeader(bytes.subarray(0, to), at);
    if (!header || header.size === undefined || header.start + header.size > to) break;
    out.push({ id: header.id, start: header.start, end: header.start + header.size });
    at = header.start + header.size;
  }
  return out;
}
