/**
 * @module A minimal Matroska writer for raw RGB frames with exact timestamps — how frames reach the encoder.
 *
 * Raw video piped to ffmpeg as `-f rawvideo` carries no timestamps: every frame would land on a constant-rate grid,
 * which breaks variable-frame-rate sources. Matroska carries one timestamp per block, and ffmpeg's demuxer reads
 * uncompressed video (`V_UNCOMPRESSED`, pixel layout from the `ColourSpace` FourCC, here `RGB` + 24 bits =
 * rgb24). `TimestampScale` is 1 ns, so any source time base converts exactly enough: a timestamp of a 1/90000 time
 * base rounds by under half a nanosecond and rounds back to the same tick. Each frame is one cluster holding one
 * SimpleBlock, since a block's own timestamp is only a 16-bit offset from its cluster's.
 *
 * Element IDs and layouts: the Matroska specification (RFC 9559), sections 5.1 (elements) and 10 (block structure).
 */

/** An 8-byte EBML size (the longest form), so sizes of multi-megabyte frames need no arithmetic on the fly. */
function size8(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  b[0] = 0x01;
  return b;
}

/** An unsigned integer in as few bytes as it needs (at least one). */
function uint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return Buffer.from(bytes);
}

/** One element: ID bytes, size, data. */
function element(id: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, "hex"), size8(data.length), data]);
}

const ID = {
  ebml: "1a45dfa3",
  ebmlVersion: "4286",
  ebmlReadVersion: "42f7",
  maxIdLength: "42f2",
  maxSizeLength: "42f3",
  docType: "4282",
  docTypeVersion: "4287",
  docTypeReadVersion: "4285",
  segment: "18538067",
  info: "1549a966",
  timestampScale: "2ad7b1",
  muxingApp: "4d80",
  writingApp: "5741",
  tracks: "1654ae6b",
  trackEntry: "ae",
  trackNumber: "d7",
  trackUid: "73c5",
  trackType: "83",
  codecId: "86",
  video: "e0",
  pixelWidth: "b0",
  pixelHeight: "ba",
  colourSpace: "2eb524",
  cluster: "1f43b675",
  timestamp: "e7",
  simpleBlock: "a3",
} as const;

/** Segment of unknown size (all ones): the stream is written once, front to back, into a pipe. */
const UNKNOWN_SIZE = Buffer.from("01ffffffffffffff", "hex");

/**
 * The stream header: EBML header, segment start, info (1 ns ticks) and one raw rgb24 video track.
 * @example stdin.write(rawRgbMatroskaHeader(1920, 1080))
 */
export function rawRgbMatroskaHeader(width: number, height: number): Buffer {
  const app = Buffer.from("ai-video-subnet runner");
  return Buffer.concat([
    element(
      ID.ebml,
      Buffer.concat([
        element(ID.ebmlVersion, uint(1)),
        element(ID.ebmlReadVersion, uint(1)),
        element(ID.maxIdLength, uint(4)),
        element(ID.maxSizeLength, uint(8)),
        element(ID.docType, Buffer.from("matroska")),
        element(ID.docTypeVersion, uint(4)),
        element(ID.docTypeReadVersion, uint(2)),
      ]),
    ),
    Buffer.from(ID.segment, "hex"),
    UNKNOWN_SIZE,
    element(
      ID.info,
      Buffer.concat([element(ID.timestampScale, uint(1)), element(ID.muxingApp, app), element(ID.writingApp, app)]),
    ),
    element(
      ID.tracks,
      element(
        ID.trackEntry,
        Buffer.concat([
          element(ID.trackNumber, uint(1)),
          element(ID.trackUid, uint(1)),
          element(ID.trackType, uint(1)),
          element(ID.codecId, Buffer.from("V_UNCOMPRESSED")),
          element(
            ID.video,
            Buffer.concat([
              element(ID.pixelWidth, uint(width)),
              element(ID.pixelHeight, uint(height)),
              element(ID.colourSpace, Buffer.from([0x52, 0x47, 0x42, 24])),
            ]),
          ),
        ]),
      ),
    ),
  ]);
}

/**
 * What precedes one frame's `frameBytes` bytes: a cluster at `nanoseconds` holding one keyframe SimpleBlock of
 * track 1 at offset 0. Write it, then the frame's bytes (no copy of the frame is made). Written field by field into
 * one buffer (it is made once per frame): cluster ID, 8-byte size, Timestamp element (ID, 8-byte size, the
 * timestamp in as few bytes as it needs), SimpleBlock ID, 8-byte size, block head — what `element()` would build.
 * @example stdin.write(rawRgbMatroskaFrameHeader(33_366_667n, rgb.length)); stdin.write(rgb)
 */
export function rawRgbMatroskaFrameHeader(nanoseconds: bigint, frameBytes: number): Buffer {
  if (nanoseconds < 0n) throw new RangeError(`a Matroska timestamp cannot be negative, got ${nanoseconds} ns`);
  let timestampBytes = 1;
  while (timestampBytes < 8 && nanoseconds >> BigInt(8 * timestampBytes) > 0n) timestampBytes++;
  // Track number 1 as a 1-byte EBML number, a 16-bit relative timestamp of 0, flags: keyframe.
  const blockHeadBytes = 4;
  const timestampElement = 1 + 8 + timestampBytes;
  const simpleBlockHead = 1 + 8 + blockHeadBytes;
  const out = Buffer.allocUnsafe(4 + 8 + timestampElement + simpleBlockHead);
  let at = out.writeUInt32BE(0x1f43b675, 0);
  at = writeSize8(out, at, timestampElement + simpleBlockHead + frameBytes);
  out[at++] = 0xe7;
  at = writeSize8(out, at, timestampBytes);
  for (let i = timestampBytes - 1; i >= 0; i--) out[at++] = Number((nanoseconds >> BigInt(8 * i)) & 0xffn);
  out[at++] = 0xa3;
  at = writeSize8(out, at, blockHeadBytes + frameBytes);
  out.writeUInt32BE(0x81000080, at);
  return out;
}

/** {@link size8} written into `out` at `at`; returns the offset after it. */
function writeSize8(out: Buffer, at: number, n: number): number {
  out[at] = 0x01;
  out.writeUIntBE(Math.floor(n / 2 ** 48), at + 1, 1);
  out.writeUIntBE(n % 2 ** 48, at + 2, 6);
  return at + 8;
}
