/**
 * @module A video elementary stream as MPEG-TS and MPEG-PS carry it in PES packets (ISO/IEC 13818-1 §2.4.3.6), read
 * without decoding: its frames are counted as ffmpeg's parsers split it into packets (what `ffprobe -count_packets`
 * reports), one per access unit found by its start codes — an MPEG-1/2 picture start code (13818-2 §6.2.3; of a
 * picture coded as two fields, the first field's only: ffmpeg's parser joins the two into one packet), an
 * MPEG-4 part 2 VOP (14496-2 §6.2.5), the first slice of an H.264 picture (`first_mb_in_slice` 0, H.264 §7.3.3) or of
 * an HEVC picture (`first_slice_segment_in_pic_flag`, H.265 §7.3.6.1). A PES packet is not a frame: ffmpeg's PS
 * muxer packs several small frames into one. Its size is the codec's own first header (sequence header, VOL, SPS).
 * Its duration is the span of the PTS the PES packets give their first access unit, plus one frame.
 *
 * Payload bytes are copied into one buffer and scanned for `00 00 01` with `indexOf`, so a 188-byte TS payload costs
 * a copy, not a pass in JavaScript over each byte; a start code split between two payloads is found all the same.
 */
import { spsFrameSize } from "./avc-sps.js";
import { hevcSpsFrameSize } from "./hevc-sps.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { type FrameSize, mpeg4VolSize, mpegExtendedSize, mpegSequenceSize } from "./mpeg-video-headers.js";

/** The video codecs whose frames are counted and sized. */
export type EsCodec = "MPEG-1/2" | "MPEG-4" | "H.264" | "HEVC";

/**
 * Codecs by the stream type of an MPEG-TS PMT or MPEG-PS stream map (ISO/IEC 13818-1 Table 2-34): MPEG-1 and MPEG-2
 * video, MPEG-4 part 2, H.264, HEVC.
 */
const VIDEO_STREAM_TYPES: Readonly<Record<number, EsCodec>> = {
  1: "MPEG-1/2",
  2: "MPEG-1/2",
  16: "MPEG-4",
  27: "H.264",
  36: "HEVC",
};

/** The codecs of {@link VIDEO_STREAM_TYPES} as a message names them. */
export const COUNTED_CODECS = "MPEG-1, MPEG-2, MPEG-4 part 2, H.264 or HEVC";

/** Video stream types whose frames are not counted here: SVC, MVC, VVC, AVS, Dirac, VC-1. */
const OTHER_VIDEO_STREAM_TYPES: ReadonlySet<number> = new Set([0x1f, 0x20, 0x33, 0x42, 0xd1, 0xea]);

/**
 * What a stream type of an MPEG-TS PMT or MPEG-PS stream map is: the codec of a video stream counted here, `other`
 * for a video stream of another codec, or undefined for a stream that is no video (or a type not known as video).
 * @example videoStreamType(27) // "H.264"
 */
export function videoStreamType(type: number): EsCodec | "other" | undefined {
  return VIDEO_STREAM_TYPES[type] ?? (OTHER_VIDEO_STREAM_TYPES.has(type) ? "other" : undefined);
}

/** Bytes buffered between scans. */
const BUFFER = 1024 * 1024;
/** The most bytes of a header (sequence header, VOL, SPS) read for its size: its size comes in its first bytes. */
const HEADER_BYTES = 256;
/** PTS ticks a second (ISO/IEC 13818-1 §2.4.3.7: 90 kHz). */
const PTS_HZ = 90_000;
/** PTS ticks a frame by MPEG-1/2 frame_rate_code (ISO/IEC 13818-2 Table 6-4): 23.976, 24, 25, 29.97, 30, 50, 59.94, 60. */
const FRAME_PERIODS = [undefined, 3753.75, 3750, 3600, 3003, 3000, 1800, 1501.5, 1500];
/** PTS are 33 bits and wrap (after 26.5 hours). */
const PTS_WRAP = 2 ** 33;

/**
 * The codec of a stream without a stream map (an MPEG-PS's, as ffmpeg writes it), from its first start code (`code`:
 * the bytes after `00 00 01`). A stream that starts with one (after zero bytes only) is told by the first bytes each
 * codec's encoder in ffmpeg writes: a sequence header, a VisualObjectSequence, an H.264/HEVC parameter set, access
 * unit delimiter or SEI. A stream cut mid-unit (`cut`: other bytes come first) or starting otherwise is MPEG-4 at a
 * VOP or VisualObjectSequence and else taken for MPEG-1/2, the video of nearly every program stream: its slice start
 * codes (`00 00 01 07` starts row 7) look like H.264 and HEVC NAL headers, which were misread as such.
 * @example sniffCodec(Uint8Array.of(0xb3), false) // "MPEG-1/2"
 */
export function sniffCodec(code: Uint8Array, cut: boolean): EsCodec {
  const [b = 0, next] = [code[0], code[1]];
  if (b === 0xb0 || b === 0xb6) return "MPEG-4";
  if (cut || b === 0xb3) return "MPEG-1/2";
  if ([0x40, 0x42, 0x44, 0x46, 0x4e].includes(b) && next === 0x01) return "HEVC";
  if (b < 0x80 && [6, 7, 9].includes(b & 0x1f)) return "H.264";
  return "MPEG-1/2";
}

/** The size a header gives, or `size` unchanged. */
function headerSize(codec: EsCodec, code: Uint8Array, size: FrameSize | undefined): FrameSize | undefined {
  if (codec === "MPEG-1/2") return size ? mpegExtendedSize(size, code) : mpegSequenceSize(code);
  if (size) return size;
  if (codec === "MPEG-4") return mpeg4VolSize(code);
  return codec === "H.264" ? spsFrameSize(code) : hevcSpsFrameSize(code);
}

/** Whether the start code `code` (bytes after `00 00 01`, at least 3) starts an access unit of `codec`. */
function startsUnit(codec: EsCodec, code: Uint8Array): boolean {
  const b = code[0]!;
  if (codec === "MPEG-1/2") return b === 0x00;
  if (codec === "MPEG-4") return b === 0xb6;
  if (codec === "H.264") return ((b & 0x1f) === 1 || (b & 0x1f) === 5) && (code[1]! & 0x80) !== 0;
  return ((b >> 1) & 0x3f) < 32 && (code[2]! & 0x80) !== 0;
}

/** Whether the start code `code` is a header the size is read from (an MPEG-2 sequence extension too). */
function isSizeHeader(codec: EsCodec, code: Uint8Array): boolean {
  const b = code[0]!;
  if (codec === "MPEG-1/2") return b === 0xb3 || (b === 0xb5 && code[1]! >> 4 === 1);
  if (codec === "MPEG-4") return b >= 0x20 && b <= 0x2f;
  return codec === "H.264" ? (b & 0x1f) === 7 : ((b >> 1) & 0x3f) === 33;
}

/** The index of the `01` of the first `00 00 01` whose `01` is at or after `from` in `bytes`, or -1. */
function nextStartCode(bytes: Uint8Array, from: number): number {
  for (let p = bytes.indexOf(1, from); p >= 0; p = bytes.indexOf(1, p + 1)) {
    if (bytes[p - 1] === 0 && bytes[p - 2] === 0 && p >= 2) return p;
  }
  return -1;
}

/** A PTS waiting for the first access unit that starts at or after `at` (an offset in the stream). */
interface PendingPts {
  at: number;
  pts: number;
}

/** The figures read of a stream. */
export interface EsFigures {
  codec: EsCodec | undefined;
  size: FrameSize | undefined;
  frames: number;
  seconds: number | undefined;
}

/** One video elementary stream, fed its PES payloads in order. */
export class ElementaryStream {
  codec: EsCodec | undefined;
  size: FrameSize | undefined;
  frames = 0;
  #buffer = new Uint8Array(BUFFER);
  #length = 0;
  /** The stream offset of `#buffer[0]`. */
  #origin = 0;
  /** 0: no size yet; 1: an MPEG-1/2 sequence header's, which a sequence extension may still widen; 2: read. */
  #sized = 0;
  /** PTS ticks a frame, from an MPEG-1/2 sequence header's frame_rate_code. */
  #period: number | undefined;
  /** An MPEG-2 sequence extension's frame_rate_extension_d + 1 over _n + 1, which scales `#period` (8 fps: 24 × 1/3). */
  #periodScale: number | undefined;
  #pending: PendingPts[] = [];
  #lastPts: number | undefined;
  #timed = 0;
  /** An MPEG-2 first field was coded and its second is still to come: that one starts no access unit. */
  #firstField = false;
  #min = { pts: Infinity, unit: 0 };
  #max = { pts: -Infinity, unit: 0 };

  /** A stream of `codec`, or, when undefined, of the codec its first start code tells (see {@link sniffCodec}). */
  constructor(codec: EsCodec | undefined) {
    this.codec = codec;
  }

  /** Adds a PES packet's payload; `pts` (33-bit, 90 kHz) when its header gives one. */
  push(payload: Uint8Array, pts?: number): void {
    if (pts !== undefined) this.#pending.push({ at: this.#origin + this.#length, pts: this.#unwrap(pts) });
    for (let from = 0; from < payload.length; ) {
      if (this.#length === BUFFER) this.#scan(false);
      const n = Math.min(payload.length - from, BUFFER - this.#length);
      this.#buffer.set(payload.subarray(from, from + n), this.#length);
      [this.#length, from] = [this.#length + n, from + n];
    }
  }

  /** The figures, once every payload is pushed. */
  figures(): EsFigures {
    this.#scan(true);
    const { frames, codec, size } = this;
    const span = this.#max.pts - this.#min.pts;
    let ticks: number | undefined;
    // Every unit timed (MPEG-TS): the span is frames − 1 of them. Some timed (MPEG-PS): MPEG-1/2's frame rate code
    // times the frames, else the rate between the earliest and latest PTS (decode order: B-frames make it a little
    // long, never short) times the frames.
    if (this.#timed === frames && frames > 1) ticks = (span * frames) / (frames - 1);
    else if (this.#period !== undefined && this.#timed > 0) ticks = frames * this.#period * (this.#periodScale ?? 1);
    else if (this.#timed > 1 && this.#max.unit !== this.#min.unit) {
      ticks = (frames * span) / Math.abs(this.#max.unit - this.#min.unit);
    }
    return { codec, size, frames, seconds: ticks && ticks > 0 ? ticks / PTS_HZ : undefined };
  }

  /** A 33-bit PTS as the count nearest the one before: ticks since the first, past any wrap. */
  #unwrap(pts: number): number {
    const last = this.#lastPts;
    const value = last === undefined ? pts : pts + Math.round((last - pts) / PTS_WRAP) * PTS_WRAP;
    this.#lastPts = value;
    return value;
  }

  /** Looks at the start codes buffered; keeps what may begin one whose bytes are still to come (unless `final`). */
  #scan(final: boolean): void {
    const bytes = this.#buffer.subarray(0, this.#length);
    let keep = Math.max(0, this.#length - 2);
    for (let p = nextStartCode(bytes, 2); p >= 0; p = nextStartCode(bytes, p + 1)) {
      if (!this.#startCode(bytes, p + 1, final)) {
        keep = p - 2;
        break;
      }
    }
    if (final) return;
    this.#buffer.copyWithin(0, keep, this.#length);
    [this.#origin, this.#length] = [this.#origin + keep, this.#length - keep];
  }

  /**
   * The start code whose bytes after `00 00 01` start at `at`; false when more bytes are needed to tell what it is
   * (never when `final`).
   */
  #startCode(bytes: Uint8Array, at: number, final: boolean): boolean {
    if (bytes.length - at < 3 && !final) return false;
    const head = bytes.subarray(at, at + 3);
    // A stream's first start code decides its codec when nothing else has (see sniffCodec).
    this.codec ??= sniffCodec(head, this.#origin > 0 || bytes.subarray(0, at - 3).some((b) => b !== 0));
    const codec = this.codec;
    if (head.length < 3) return true;
    if (this.#sized < 2 && isSizeHeader(codec, head)) {
      const next = nextStartCode(bytes, at + 2);
      if (next < 0 && bytes.length - at < HEADER_BYTES && !final) return false;
      const code = bytes.subarray(at, Math.min(next < 0 ? bytes.length : next - 2, at + HEADER_BYTES));
      if (code[0] === 0xb3 && this.#period === undefined) this.#period = FRAME_PERIODS[(code[4] ?? 0) & 15];
      // The sequence extension's frame_rate_extension_n (2 bits) and _d (5 bits) end its sixth byte after B5
      // (13818-2 §6.2.2.3, §6.3.3): the rate is frame_rate_code's × (n + 1) / (d + 1).
      if (codec === "MPEG-1/2" && code[0] === 0xb5 && code.length >= 7 && this.#periodScale === undefined) {
        this.#periodScale = ((code[6]! & 31) + 1) / (((code[6]! >> 5) & 3) + 1);
      }
      if (this.#sized === 0 ? code[0] !== 0xb5 : code[0] === 0xb5) {
        this.size = headerSize(codec, code, this.size);
        this.#sized = !this.size ? 0 : codec === "MPEG-1/2" && this.#sized === 0 ? 1 : 2;
      }
    }
    if (codec === "MPEG-1/2" && head[0] === 0xb5 && head[1]! >> 4 === 8) {
      // A picture coding extension (13818-2 §6.2.3.1): its picture_structure (3: a frame) is in its third byte.
      if (bytes.length - at < 4 && !final) return false;
      this.#firstField = ((bytes[at + 3] ?? 3) & 3) !== 3 && !this.#firstField;
    }
    if (codec === "MPEG-1/2" && this.frames === 0 && head[0]! >= 0x01 && head[0]! <= 0xaf) {
      // Slices before any picture start code: the rest of a picture the file's start cut, which ffmpeg's parser
      // hands on as a packet of its own.
      this.#unit(this.#origin + at - 3);
    }
    if (startsUnit(codec, head) && !(codec === "MPEG-1/2" && this.#firstField)) {
      if (this.#sized === 1) this.#sized = 2;
      this.#unit(this.#origin + at - 3);
    }
    return true;
  }

  /** Counts an access unit starting at stream offset `at`, timed by the PTS of the PES packet it starts in. */
  #unit(at: number): void {
    const unit = this.frames++;
    while (this.#pending.length > 1 && this.#pending[1]!.at <= at) this.#pending.shift();
    const pending = this.#pending[0];
    if (!pending || pending.at > at) return;
    this.#pending.shift();
    this.#timed++;
    if (pending.pts < this.#min.pts) this.#min = { pts: pending.pts, unit };
    if (pending.pts > this.#max.pts) this.#max = { pts: pending.pts, unit };
  }
}

/**
 * A stream's figures as a container's: its size and, when it holds frames, their count and (when timed) duration;
 * undefined without a size.
 * @example streamVideoSize(stream) // { width: 64, height: 48, frames: 50, seconds: 2.0833 }
 */
export function streamVideoSize(stream: ElementaryStream): Mp4VideoSize | undefined {
  const { size, frames, seconds } = stream.figures();
  if (!size) return undefined;
  const out: Mp4VideoSize = { width: size.width, height: size.height };
  if (frames === 0) return out;
  out.frames = frames;
  if (seconds !== undefined) out.seconds = seconds;
  return out;
}
