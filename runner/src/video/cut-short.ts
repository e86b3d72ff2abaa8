/**
 * @module Where a Matroska/WebM, FLV or Ogg file says it ends, against where it does: a file cut short by an upload
 * can still list fewer frames without any complaint from ffprobe (a cut at a packet's end leaves whole packets), and
 * these containers keep no frame index to count against. Each check reads a few bytes at the start or the end:
 * Matroska its `Segment` size (RFC 9559 §5.1.1), FLV the `filesize` of its `onMetaData` and the `PreviousTagSize`
 * that closes every tag (FLV 10.1 §E.3), Ogg its last page and that page's end-of-stream flag (RFC 3533 §6), AVI
 * its first `RIFF` chunk's size.
 * MPEG-TS and MPEG-PS record no length: a cut between their packets cannot be told from a shorter recording.
 */
import { type FileHandle, open } from "node:fs/promises";

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length));
  const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/** An EBML variable-size integer at `at`: its value (`undefined` when all ones: unknown size) and length. */
function vint(bytes: Buffer, at: number): { value: number | undefined; length: number } | undefined {
  const first = bytes[at];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return undefined;
  let value = first & (0xff >> length);
  let ones = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!;
    ones &&= bytes[at + i] === 0xff;
  }
  return { value: ones ? undefined : value, length };
}

/** Matroska/WebM: the EBML header, then a `Segment` whose size (when known) reaches the end of the file. */
async function matroskaCut(file: FileHandle, bytes: number): Promise<string | undefined> {
  const head = await readAt(file, 0, 64);
  const headerSize = vint(head, 4);
  if (!headerSize || headerSize.value === undefined) return undefined;
  const segmentAt = 4 + headerSize.length + headerSize.value;
  if (segmentAt + 12 > bytes) return `it ends at byte ${bytes}, inside its EBML header of ${segmentAt} bytes`;
  const segment = await readAt(file, segmentAt, 12);
  if (segment.readUInt32BE(0) !== 0x18538067) return undefined;
  const size = vint(segment, 4);
  if (!size) return undefined;
  const start = segmentAt + 4 + size.length;
  const end = size.value === undefined ? undefined : start + size.value;
  if (end !== undefined && end > bytes) return `its Segment runs to byte ${end} of a ${bytes}-byte file`;
  // A Segment of unknown size (written to a pipe): its first elements (SeekHead, Info, Tracks) still give theirs.
  for (let at = start, n = 0; n < 16 && at < bytes; n++) {
    const head = await readAt(file, at, 12);
    const id = vint(head, 0);
    const length = id && vint(head, id.length);
    if (!id || id.length > 4 || !length || length.value === undefined) return undefined;
    const name = LEVEL_1[head.readUIntBE(0, id.length)];
    if (name === undefined) return undefined;
    at += id.length + length.length + length.value;
    if (at > bytes) return `its ${name} element runs to byte ${at} of a ${bytes}-byte file`;
  }
  return undefined;
}

/** Names of the Segment's elements that precede its clusters (RFC 9559 §5.1). */
const LEVEL_1: Record<number, string> = {
  290298740: "SeekHead",
  357149030: "Info",
  374648427: "Tracks",
  475249515: "Cues",
  423732329: "Attachments",
  272869232: "Chapters",
  307544935: "Tags",
  236: "Void",
};

/** The `filesize` number of an FLV `onMetaData` script tag's ECMA array (AMF0), when it is there. */
function flvFileSize(tag: Buffer): number | undefined {
  if (tag.toString("latin1", 0, 13) !== "\x02\x00\x0aonMetaData" || tag[13] !== 0x08) return undefined;
  for (let at = 18; at + 2 <= tag.length; ) {
    const keyLength = tag.readUInt16BE(at);
    const key = tag.toString("latin1", at + 2, at + 2 + keyLength);
    at += 2 + keyLength;
    const type = tag[at];
    if (type === 0x00 && at + 9 <= tag.length) {
      if (key === "filesize") return tag.readDoubleBE(at + 1);
      at += 9;
    } else if (type === 0x01) at += 2;
    else if (type === 0x02 && at + 3 <= tag.length) at += 3 + tag.readUInt16BE(at + 1);
    else return undefined;
  }
  return undefined;
}

/**
 * FLV: the `filesize` its `onMetaData` declares (ffmpeg writes it when it can seek back), and the last
 * `PreviousTagSize`, which must name a whole tag that ends where the file does.
 */
async function flvCut(file: FileHandle, bytes: number): Promise<string | undefined> {
  const header = await readAt(file, 0, 9);
  const first = header.length === 9 ? header.readUInt32BE(5) + 4 : 13;
  const tagHead = await readAt(file, first, 11);
  if (tagHead.length === 11 && tagHead[0] === 18) {
    const script = await readAt(file, first + 11, Math.min(tagHead.readUIntBE(1, 3), 64 * 1024));
    const declared = flvFileSize(script);
    if (declared !== undefined && declared > bytes) {
      return `its onMetaData gives a file of ${declared} bytes; ${bytes} arrived`;
    }
  }
  if (bytes <= first) return undefined;
  const previous = (await readAt(file, bytes - 4, 4)).readUInt32BE(0);
  const tagAt = bytes - 4 - previous;
  const last = tagAt >= first ? await readAt(file, tagAt, 11) : Buffer.alloc(0);
  const whole = last.length === 11 && [8, 9, 18].includes(last[0]! & 0x1f) && last.readUIntBE(1, 3) + 11 === previous;
  return whole ? undefined : `its last tag does not end where the file does, at byte ${bytes}`;
}

/** CRC-32 of Ogg pages: polynomial 0x04c11db7, not reflected, initial value 0 (RFC 3533 §6). */
const OGG_CRC = Uint32Array.from({ length: 256 }, (_, n) => {
  let r = n << 24;
  for (let i = 0; i < 8; i++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/** The length of the Ogg page at `at` of `tail`, or `undefined` when its header is not all there. */
function oggPageLength(tail: Buffer, at: number): number | undefined {
  if (at + 27 > tail.length) return undefined;
  const segments = tail[at + 26]!;
  if (at + 27 + segments > tail.length) return undefined;
  let body = 0;
  for (let i = 0; i < segments; i++) body += tail[at + 27 + i]!;
  return 27 + segments + body;
}

/**
 * Ogg: from the first page of the file's last 128 KiB whose checksum holds (a page is at most 65307 bytes, so the
 * window holds at least one whole page before the end), pages follow each other to the end of the file, and the last
 * one ends its stream (ffmpeg and libogg set the flag on each stream's last page when they close a file).
 */
async function oggCut(file: FileHandle, bytes: number): Promise<string | undefined> {
  const from = Math.max(0, bytes - 128 * 1024);
  const tail = await readAt(file, from, bytes - from);
  let at = tail.indexOf("OggS", 0, "latin1");
  for (; at >= 0; at = tail.indexOf("OggS", at + 1, "latin1")) {
    const length = oggPageLength(tail, at);
    if (
      length !== undefined &&
      at + length <= tail.length &&
      oggCrc(tail.subarray(at, at + length)) === tail.readUInt32LE(at + 22)
    )
      break;
  }
  if (at < 0) return undefined;
  for (;;) {
    const length = oggPageLength(tail, at);
    if (length === undefined || at + length > tail.length) {
      const end = length === undefined ? "" : ` and runs to byte ${from + at + length}`;
      return `its last page starts at byte ${from + at}${end} of a ${bytes}-byte file`;
    }
    if (at + length === tail.length) {
      return tail[at + 5]! & 0x04
        ? undefined
        : `its last page, which ends the ${bytes}-byte file, does not end its stream`;
    }
    at += length;
    if (tail.toString("latin1", at, at + 4) !== "OggS") return undefined;
  }
}

/**
 * AVI: its first `RIFF` chunk, whose size the muxer writes when it closes the file (0 or all ones when it could not
 * seek back: unknown), ends within the file; an OpenDML file's further `AVIX` chunks follow it.
 */
async function aviCut(file: FileHandle, bytes: number): Promise<string | undefined> {
  const head = await readAt(file, 0, 12);
  if (head.length < 12 || head.toString("latin1", 8, 12) !== "AVI ") return undefined;
  const size = head.readUInt32LE(4);
  // Written to a pipe, ffmpeg leaves all ones there; other writers 0.
  if (size === 0 || size === 0xffffffff) return undefined;
  const end = 8 + size;
  return end > bytes ? `its RIFF chunk runs to byte ${end} of a ${bytes}-byte file` : undefined;
}

/**
 * Where a Matroska/WebM, FLV, Ogg or AVI file (told by its first bytes) was cut, as `its Segment runs to byte 85800 of a
 * 25740-byte file`, or `undefined` when it ends where it says or cannot tell (other containers, a live recording of
 * unknown size).
 * @example await containerCut("/tmp/upload", 25740) // "its Segment runs to byte 85800 of a 25740-byte file"
 */
export async function containerCut(path: string, bytes: number): Promise<string | undefined> {
  const file = await open(path, "r");
  try {
    const magic = (await readAt(file, 0, 4)).toString("latin1");
    if (magic === "\x1a\x45\xdf\xa3") return await matroskaCut(file, bytes);
    if (magic.startsWith("FLV\x01")) return await flvCut(file, bytes);
    if (magic === "OggS") return await oggCut(file, bytes);
    if (magic === "RIFF") return await aviCut(file, bytes);
    return undefined;
  } finally {
    await file.close();
  }
}
