/**
 * @module The frame size, frame count and duration of an MPEG-PS upload (ISO/IEC 13818-1 §2.5 program stream, and
 * ISO/IEC 11172-1 MPEG-1 system streams: pack headers `00 00 01 BA`, then PES packets), read by walking every pack
 * and packet without decoding and without ffmpeg. The first video stream (stream ids `E0`–`EF`) is counted and sized
 * by `elementary-stream.ts`, its codec from the program stream map when there is one (`00 00 01 BC`), else from its
 * first start code (ffmpeg writes no map). Its frames are its access units, never its PES packets: ffmpeg's muxer
 * packs several small frames into one 2 KiB packet, and gives a PTS only to the first frame starting in each.
 * Reads go through a window of about 1 MiB (`BlobWindow`); a spooled upload is never loaded whole.
 */
import { COUNTED_CODECS, ElementaryStream, streamVideoSize, videoStreamType } from "./elementary-stream.js";
import { BlobWindow } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { pesHeader } from "./pes-packet.js";
import { figuresOrNone, PastCapError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The most packs and packets walked: 2^24, over 30 GB of 2 KiB packets; past it, no figures. */
const MAX_PACKETS = 2 ** 24;
/** Bytes read at a time. */
const READ = 1024 * 1024;
const PACK = 0xba;
const END_CODE = 0xb9;
const STREAM_MAP = 0xbc;

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;

/**
 * The length of a pack header starting `b` (`00 00 01 BA`): 14 bytes and its stuffing for MPEG-2 (`01` marker
 * bits), 12 for MPEG-1 (`0010`); undefined for bytes that are not one.
 * @example packHeaderLength(Uint8Array.of(0, 0, 1, 0xba, 0x44)) // 14 (with the stuffing length of byte 13)
 */
export function packHeaderLength(b: Uint8Array): number | undefined {
  if (b[0] !== 0 || b[1] !== 0 || b[2] !== 1 || b[3] !== PACK || b[4] === undefined) return undefined;
  if (b[4] >> 6 === 1) return 14 + ((b[13] ?? 0) & 7);
  return b[4] >> 4 === 2 ? 12 : undefined;
}

/** The stream types a program stream map gives, by elementary stream id (§2.5.4.1). */
function streamMap(b: Uint8Array): Map<number, number> {
  const types = new Map<number, number>();
  if (b.length < 12) return types;
  let i = 10 + u16(b, 8);
  if (i + 2 > b.length) return types;
  const end = Math.min(b.length, i + 2 + u16(b, i));
  for (i += 2; i + 4 <= end; i += 4 + u16(b, i + 2)) types.set(b[i + 1]!, b[i]!);
  return types;
}

/** One walk over the packs and packets: the video stream id and its stream once the first video packet is met. */
class PsWalk {
  map = new Map<number, number>();
  video: number | undefined;
  stream: ElementaryStream | undefined;

  /** A PES packet of stream `id` (its bytes from `00 00 01`), at byte `at`. */
  packet(id: number, bytes: Uint8Array): void {
    if (id === STREAM_MAP && this.video === undefined) this.map = streamMap(bytes);
    if (id < 0xe0 || id > 0xef) return;
    if (this.video === undefined) {
      this.video = id;
      const type = this.map.get(id);
      const kind = type === undefined ? undefined : videoStreamType(type);
      if (kind === "other") return;
      // A stream the map does not name as video (or no map): its codec from its first start code.
      this.stream = new ElementaryStream(kind);
    }
    if (id !== this.video || !this.stream) return;
    // A malformed header (a damaged packet) is skipped, as ffmpeg's demuxer skips it.
    const header = pesHeader(bytes, true);
    if (header) this.stream.push(bytes.subarray(header.payload), header.pts);
  }
}

/**
 * The offset of the next system start code (`00 00 01` then a pack, system header or stream id: `BA`–`FF`) after
 * `from` in `bytes`, or -1: where ffmpeg's demuxer reads on after bytes that are no pack or packet. No video or audio
 * elementary stream holds one (they are reserved for the system layer, ISO/IEC 13818-1 §2.5.3.1).
 */
function nextSystemCode(bytes: Uint8Array, from: number): number {
  for (let p = bytes.indexOf(1, from + 2); p >= 0 && p + 1 < bytes.length; p = bytes.indexOf(1, p + 1)) {
    if (bytes[p - 1] === 0 && bytes[p - 2] === 0 && bytes[p + 1]! >= PACK) return p - 2;
  }
  return -1;
}

async function readPs(file: BlobWindow): Promise<Mp4VideoSize | undefined> {
  const end = file.file.size;
  const bytesAt = async (at: number, n: number) =>
    file.peek(at, n) ?? (await file.read(at, Math.max(n, READ))).subarray(0, n);
  if (packHeaderLength(await bytesAt(0, 16)) === undefined) return undefined;
  const walk = new PsWalk();
  for (let at = 0, n = 0; at + 4 <= end; ) {
    if (++n > MAX_PACKETS) throw new PastCapError("too many packets");
    const head = await bytesAt(at, 16);
    const id = head[3]!;
    const start = head[0] === 0 && head[1] === 0 && head[2] === 1;
    const length = !start
      ? undefined
      : id === END_CODE
        ? 4
        : id === PACK
          ? packHeaderLength(head)
          : id > END_CODE && head.length >= 6
            ? 6 + u16(head, 4)
            : undefined;
    if (length === undefined) {
      // Bytes that are no pack or packet (a damaged file): on from the next pack or packet, as ffmpeg reads on.
      const window = await bytesAt(at, READ);
      const next = nextSystemCode(window, 1);
      at += next > 0 ? next : Math.max(1, window.length - 3);
      continue;
    }
    // A packet cut by the file's end is read as far as it goes, as ffmpeg reads it.
    if (id > END_CODE && id !== PACK) walk.packet(id, await bytesAt(at, Math.min(length, end - at)));
    at += length;
  }
  return walk.stream ? streamVideoSize(walk.stream) : undefined;
}

/**
 * The first video stream's frame size (its codec's own header), frame count (its access units, as ffprobe counts
 * packets) and duration (its PTS span, at the rate the PTS give, over every frame) of an MPEG-PS or MPEG-1 system
 * file of MPEG-1/2, MPEG-4 part 2, H.264 or HEVC video, or undefined when `file` is not one, its first video stream
 * is of another codec, or it has more than 2^24 packs and packets. The stream holds its own figures, so nothing
 * here can contradict itself: as ffmpeg reads one, a file cut short is counted to its cut (the last packet's bytes
 * too), bytes that are no pack or packet are passed over to the next one, and a video packet whose PES header is
 * malformed is skipped (`strict` changes nothing).
 * @example await mpegPsVideoSize(new Blob([mpg])) // { width: 64, height: 48, frames: 50, seconds: 2.0833 }
 */
export function mpegPsVideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<Mp4VideoSize | undefined> {
  return figuresOrNone(() => readPs(new BlobWindow(file)), options.strict ?? false);
}

/** MPEG-PS and MPEG-1 system streams (`00 00 01 BA`), by walking its packets (see {@link mpegPsVideoSize}). */
export const MPEG_PS_CONTAINER: VideoContainer = {
  name: "MPEG-PS",
  sniff: (head) => packHeaderLength(head) !== undefined,
  measure: (file, options) => mpegPsVideoSize(file, options),
  sources: () => ({
    size: "codec header gives",
    frames: "PES payloads' access units count",
    seconds: "PES timestamps give",
  }),
  rewrite: "ffmpeg -i in.mpg -c copy out.mpg",
  fromStream: `its video is none of ${COUNTED_CODECS}`,
};
