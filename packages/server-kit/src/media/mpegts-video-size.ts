/**
 * @module The frame size, frame count and duration of an MPEG-TS upload (ISO/IEC 13818-1 §2.4: 188-byte packets
 * that start with the sync byte 0x47; also Blu-ray's M2TS, 192-byte packets with a 4-byte time code first), read by
 * walking every packet without decoding and without ffmpeg: the PAT names the first program's PMT, the PMT its first
 * video stream, and that stream's PES payloads are counted and sized by `elementary-stream.ts`. A transport stream
 * keeps no frame index and no header of its size: the stream is all there is. Packets are read in chunks of about
 * 1 MiB (`BlobWindow`); a spooled upload is never loaded whole. A PAT or PMT section longer than one packet is not
 * read (no figures): ffmpeg and broadcast muxers write them in one.
 */
import {
  ElementaryStream,
  type EsCodec,
  OTHER_VIDEO_STREAM_TYPES,
  streamVideoSize,
  VIDEO_STREAM_TYPES,
} from "./elementary-stream.js";
import { BlobWindow } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { pesHeader } from "./pes-packet.js";
import { figuresOrNone, PastCapError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The most packets walked: 2^24, over 3 GB; past it, no figures. */
const MAX_PACKETS = 2 ** 24;
/** Bytes read at a time: a multiple of both packet sizes (9024 = lcm(188, 192)), about 1.1 MB. */
const READ = 9024 * 128;
const SYNC = 0x47;

/**
 * The packet size of a transport stream whose first bytes are `head`: 188 (sync bytes at 0, 188 and 376), 192
 * (M2TS: at 4, 196 and 388), or undefined. Three sync bytes, not one: a single 0x47 ("G") starts many files.
 * @example tsPacketSize(head) // 188
 */
export function tsPacketSize(head: Uint8Array): 188 | 192 | undefined {
  for (const size of [188, 192] as const) {
    const lead = size - 188;
    if ([0, 1, 2].every((k) => head[lead + k * size] === SYNC)) return size;
  }
  return undefined;
}

/** A PSI section's bytes from its table_id up to its CRC, from a payload that starts one; undefined if cut. */
function section(payload: Uint8Array, table: number): Uint8Array | undefined {
  const s = payload.subarray(1 + payload[0]!);
  if (s.length < 3 || s[0] !== table) return undefined;
  const length = ((s[1]! & 0x0f) << 8) | s[2]!;
  return 3 + length <= s.length && length >= 9 ? s.subarray(0, 3 + length - 4) : undefined;
}

/** One walk over the packets: the PMT's PID once the PAT is read, the video PID and stream once the PMT is. */
class TsWalk {
  pmt: number | undefined;
  video: number | undefined;
  stream: ElementaryStream | undefined;
  /** The PMT's first video stream is of a codec not counted here. */
  other = false;
  #started = false;

  /**
   * One packet's 188 bytes from its sync byte (fewer for a file's last, cut packet). A packet whose adaptation field
   * runs past its end, or a video packet that should start a PES packet and does not, is skipped, as ffmpeg's
   * demuxer skips it.
   */
  packet(p: Uint8Array): void {
    if (p.length < 4 || p[1]! & 0x80) return;
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const start = (p[1]! & 0x40) !== 0;
    const control = (p[3]! >> 4) & 3;
    const offset = control & 2 ? 5 + (p[4] ?? 0) : 4;
    if ((control & 1) === 0 || offset >= p.length) return;
    const payload = p.subarray(offset);
    if (pid === 0 && start && this.pmt === undefined) this.#pat(payload);
    else if (pid === this.pmt && start && this.video === undefined && !this.other) this.#pmt(payload);
    else if (pid === this.video) this.#pes(payload, start);
  }

  #pat(payload: Uint8Array): void {
    const s = section(payload, 0);
    for (let i = 8; s && i + 4 <= s.length; i += 4) {
      if (((s[i]! << 8) | s[i + 1]!) === 0) continue;
      this.pmt = ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
      return;
    }
  }

  #pmt(payload: Uint8Array): void {
    const s = section(payload, 2);
    if (!s) return;
    for (
      let i = 12 + (((s[10]! & 0x0f) << 8) | s[11]!);
      i + 5 <= s.length;
      i += 5 + (((s[i + 3]! & 0x0f) << 8) | s[i + 4]!)
    ) {
      const type = s[i]!;
      const codec: EsCodec | undefined = VIDEO_STREAM_TYPES[type];
      if (!codec && !OTHER_VIDEO_STREAM_TYPES.has(type)) continue;
      this.video = ((s[i + 1]! & 0x1f) << 8) | s[i + 2]!;
      if (codec) this.stream = new ElementaryStream(codec);
      else this.other = true;
      return;
    }
  }

  #pes(payload: Uint8Array, start: boolean): void {
    if (!this.stream) return;
    if (start) {
      const header = pesHeader(payload);
      this.#started = header !== undefined;
      if (header) this.stream.push(payload.subarray(header.payload), header.pts);
    } else if (this.#started) this.stream.push(payload);
  }
}

/**
 * Where the next packet starts at or after `from` in `chunk`, after bytes that lost the sync: the first offset whose
 * sync byte is followed by two more a packet apart (or by the file's end, `last`), as ffmpeg's demuxer resyncs; -1
 * when `chunk` holds none.
 */
function resync(chunk: Uint8Array, from: number, size: number, last: boolean): number {
  const lead = size - 188;
  for (let s = chunk.indexOf(SYNC, from + lead); s >= 0; s = chunk.indexOf(SYNC, s + 1)) {
    const ok = (k: number) => (s + k * size >= chunk.length ? last : chunk[s + k * size] === SYNC);
    if (ok(1) && ok(2)) return s - lead;
  }
  return -1;
}

async function readTs(file: BlobWindow): Promise<Mp4VideoSize | undefined> {
  const size = tsPacketSize(await file.read(0, 400));
  if (!size) return undefined;
  const lead = size - 188;
  const end = file.file.size;
  const walk = new TsWalk();
  for (let at = 0, n = 0; at < end; ) {
    const chunk = await file.read(at, READ);
    const last = at + chunk.length >= end;
    let i = 0;
    while (i < chunk.length) {
      if (chunk.length - i < size && !last) break;
      if (chunk[i + lead] !== SYNC) {
        // Bytes that are no packet (a damaged capture): on from the next run of packets, as ffmpeg reads on.
        const next = resync(chunk, i + 1, size, last);
        if (next < 0) {
          i = last ? chunk.length : Math.max(i + 1, chunk.length - 3 * size);
          break;
        }
        i = next;
        continue;
      }
      if (++n > MAX_PACKETS) throw new PastCapError("too many packets");
      walk.packet(chunk.subarray(i + lead, i + size));
      i += size;
    }
    at += i;
  }
  if (!walk.stream) return undefined;
  return streamVideoSize(walk.stream);
}

/**
 * The first video stream's frame size (its codec's own header), frame count (its access units, as ffprobe counts
 * packets) and duration (its PTS span plus a frame) of an MPEG-TS or M2TS file of MPEG-1/2, MPEG-4 part 2, H.264 or
 * HEVC video, or undefined when `file` is not one, its first video stream is of another codec, or it has more than
 * 2^24 packets. The stream holds its own figures, so nothing here can contradict itself: as ffmpeg reads one, a file
 * cut short is counted to its cut (the last packet's bytes too), bytes that lost the sync are passed over to the next
 * run of packets, and a packet that is malformed is skipped (`strict` changes nothing).
 * @example await mpegTsVideoSize(new Blob([ts])) // { width: 64, height: 48, frames: 50, seconds: 2.0833 }
 */
export function mpegTsVideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<Mp4VideoSize | undefined> {
  return figuresOrNone(() => readTs(new BlobWindow(file)), options.strict ?? false);
}

/** MPEG-TS and M2TS (packets of 188 or 192 bytes), by walking its packets (see {@link mpegTsVideoSize}). */
export const MPEG_TS_CONTAINER: VideoContainer = {
  name: "MPEG-TS",
  sniff: (head) => tsPacketSize(head) !== undefined,
  measure: (file, options) => mpegTsVideoSize(file, options),
  sources: () => ({
    size: "codec header gives",
    frames: "PES payloads' access units count",
    seconds: "PES timestamps give",
  }),
  rewrite: "ffmpeg -i in.ts -c copy out.ts",
  fromStream: true,
};
