/**
 * @module The frame size, frame count and duration of an Ogg upload's video (`OggS`, RFC 3533) of Theora (Theora
 * I specification §6.2: the identification header) or VP8 (the `OVP80` mapping of the Xiph wiki), read by walking
 * its pages without decoding and without ffmpeg: each page's 27-byte header and lacing values, by positioned
 * reads (`BlobWindow`), never the packets themselves but the first one of a stream. Ogg keeps no frame index: the
 * frames are the video stream's packets after its headers, counted from the lacing values; an empty one is a
 * frame the encoder dropped (libtheora writes one for a repeated picture), which ffmpeg skips: not a frame, but
 * its time. The duration is every packet's time at the header's frame rate, never a granule position (a claim).
 * Other Ogg video (Dirac, Daala) gives no figures.
 */
import { BlobWindow } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { figuresOrNone, PastCapError, VideoIndexError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The most pages walked: 2^24, days of video; past it, no figures. */
const MAX_PAGES = 2 ** 24;
/** Bytes of a page header before its lacing values (RFC 3533 §6). */
const PAGE_HEADER = 27;

/** What the first packet of a video stream says: its size and frame rate, and how to tell a header packet. */
interface VideoStream {
  codec: "Theora" | "VP8";
  width: number;
  height: number;
  /** Seconds a frame: frame rate denominator ÷ numerator. */
  frameSeconds: number;
  isHeader(first: number): boolean;
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u24be = (b: Uint8Array, i: number) => (b[i]! << 16) | u16be(b, i + 1);
const u32be = (b: Uint8Array, i: number) => b[i]! * 2 ** 24 + u24be(b, i + 1);
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const text = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/**
 * Where a codec's first packet keeps its figures: its magic, byte offsets of width and height (`bits` wide) and of
 * the frame rate's 32-bit numerator and denominator, all big-endian; and the first byte of its header packets.
 * Theora §6.2: 0x80 "theora", version, FMBW, FMBH, then PICW, PICH (24 bits) at 14, FRN, FRD at 22. OVP80 stream
 * info: 0x4f "VP80" 0x01, version, width, height (16 bits) at 8, a 48-bit aspect ratio, rate at 18.
 */
const CODECS = [
  { codec: "Theora", magic: "\x80theora", bits: 24, width: 14, rate: 22, isHeader: (b: number) => (b & 0x80) !== 0 },
  { codec: "VP8", magic: "OVP80\x01", bits: 16, width: 8, rate: 18, isHeader: (b: number) => b === 0x4f },
] as const;

/** The video stream a stream's first packet begins, or undefined for another codec. */
function videoStream(packet: Uint8Array): VideoStream | undefined {
  const c = CODECS.find((c) => packet.length >= c.rate + 8 && text(packet, 0, c.magic.length) === c.magic);
  if (!c) return undefined;
  const side = (at: number) => (c.bits === 24 ? u24be(packet, at) : u16be(packet, at));
  const [num, den] = [u32be(packet, c.rate), u32be(packet, c.rate + 4)];
  const frameSeconds = num > 0 ? den / num : 0;
  return {
    codec: c.codec,
    width: side(c.width),
    height: side(c.width + c.bits / 8),
    frameSeconds,
    isHeader: c.isHeader,
  };
}

/** One page: its header fields the walk needs, its lacing values, and where its packets' bytes start and end. */
interface Page {
  flags: number;
  serial: number;
  lacing: Uint8Array;
  body: number;
  end: number;
}

async function pageAt(file: BlobWindow, at: number, strict: boolean): Promise<Page | undefined> {
  const size = file.file.size;
  const head = await file.read(at, PAGE_HEADER + 255);
  if (head.length < PAGE_HEADER || text(head, 0, 4) !== "OggS") {
    if (head.length >= 4 && text(head, 0, 4) !== "OggS") throw new VideoIndexError(`it has no page at byte ${at}`);
    if (strict) throw new VideoIndexError(`its page at byte ${at} runs past the file's end at ${size}`);
    return undefined;
  }
  const lacing = head.subarray(PAGE_HEADER, PAGE_HEADER + head[26]!);
  const body = at + PAGE_HEADER + head[26]!;
  const end = body + lacing.reduce((sum, n) => sum + n, 0);
  if (lacing.length < head[26]! || end > size) {
    if (strict) throw new VideoIndexError(`its page at byte ${at} runs past the file's end at ${size}`);
    return undefined;
  }
  return { flags: head[5]!, serial: u32le(head, 14), lacing, body, end };
}

/** The video stream's data packets: all of them, the empty ones, and the one being read across pages. */
interface Packets {
  all: number;
  empty: number;
  /** Bytes of the packet not yet ended (-1 between packets), and its first byte's offset. */
  open: number;
  start: number;
}

/** Counts the packets a page of the video stream ends (a lacing value below 255 ends one, RFC 3533 §5). */
async function countPage(file: BlobWindow, page: Page, stream: VideoStream, packets: Packets): Promise<void> {
  let at = page.body;
  // A page that does not continue a packet starts a new one: what was open was never ended.
  if ((page.flags & 1) === 0) packets.open = -1;
  for (const n of page.lacing) {
    if (packets.open < 0) [packets.open, packets.start] = [0, at];
    packets.open += n;
    at += n;
    if (n === 255) continue;
    const first = packets.open > 0 ? (await file.read(packets.start, 1))[0]! : undefined;
    if (first === undefined || !stream.isHeader(first)) {
      packets.all++;
      if (first === undefined) packets.empty++;
    }
    packets.open = -1;
  }
}

async function readOgg(file: BlobWindow, strict: boolean): Promise<Mp4VideoSize | undefined> {
  const head = await file.read(0, 4);
  if (head.length < 4 || text(head, 0, 4) !== "OggS") return undefined;
  let video: { serial: number; stream: VideoStream } | undefined;
  const packets: Packets = { all: 0, empty: 0, open: -1, start: 0 };
  for (let at = 0, n = 0; at < file.file.size; n++) {
    if (n >= MAX_PAGES) throw new PastCapError("too many pages");
    const page = await pageAt(file, at, strict);
    if (!page) break;
    if (!video && page.flags & 2) {
      const stream = videoStream(await file.read(page.body, Math.min(64, page.end - page.body)));
      if (stream) video = { serial: page.serial, stream };
    }
    if (video && page.serial === video.serial) await countPage(file, page, video.stream, packets);
    at = page.end;
  }
  if (!video || video.stream.width <= 0 || video.stream.height <= 0) return undefined;
  const { width, height, frameSeconds } = video.stream;
  const frames = packets.all - packets.empty;
  if (frames === 0) return { width, height };
  const size: Mp4VideoSize = { width, height, frames };
  if (frameSeconds > 0) size.seconds = packets.all * frameSeconds;
  return size;
}

/**
 * The video's frame size, frame count (its non-empty data packets, as ffmpeg reads them) and duration (every data
 * packet at the header's frame rate) of an Ogg file of Theora or VP8 video, or undefined when `file` is not one,
 * holds other video, or has more than 2^24 pages. A file cut short is counted to its last whole page. Figures that
 * contradict the file (bytes that are not a page where one should start) give undefined, or with `strict` throw a
 * {@link VideoIndexError}, as a file cut short does.
 * @example await oggVideoSize(new Blob([ogg])) // { width: 64, height: 48, frames: 39, seconds: 2.0833 }
 */
export function oggVideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<Mp4VideoSize | undefined> {
  return figuresOrNone(() => readOgg(new BlobWindow(file), options.strict ?? false), options.strict ?? false);
}

/** Ogg (`OggS`) of Theora or VP8 video, by walking its pages (see {@link oggVideoSize}). */
export const OGG_CONTAINER: VideoContainer = {
  name: "Ogg",
  sniff: (head) => head.length >= 4 && text(head, 0, 4) === "OggS",
  measure: (file, options) => oggVideoSize(file, options),
  sources: () => ({
    size: "identification header gives",
    frames: "pages' packets hold",
    seconds: "packets at the header's frame rate give",
  }),
  rewrite: "ffmpeg -i in.ogg -c copy out.ogg",
  fromStream: "its video is neither Theora nor VP8",
};
