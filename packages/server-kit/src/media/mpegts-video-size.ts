/**
 * @module The frame size, frame count and duration of an MPEG-TS upload (ISO/IEC 13818-1 §2.4: 188-byte packets
 * that start with the sync byte 0x47; also Blu-ray's M2TS, 192-byte packets with a 4-byte time code first), read by
 * walking every packet without decoding and without ffmpeg: the PAT names the first program's PMT, the PMT its first
 * video stream, and that stream's PES payloads are counted and sized by `elementary-stream.ts`. A transport stream
 * keeps no frame index and no header of its size: the stream is all there is. Packets are read in chunks of about
 * 1 MiB (`BlobWindow`); a spooled upload is never loaded whole. The PAT and PMT are read as `psi-section.ts` gathers
 * them: over as many packets as they span, and only with their CRC intact.
 */
import { COUNTED_CODECS, ElementaryStream, streamVideoSize, videoStreamType } from "./elementary-stream.js";
import { BlobWindow } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { pesHeader } from "./pes-packet.js";
import { PsiSections } from "./psi-section.js";
import { figuresOrNone, PastCapError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The most packets walked: 2^24, over 3 GB; past it, no figures. */
const MAX_PACKETS = 2 ** 24;
/** Bytes read at a time: a multiple of both packet sizes (9024 = lcm(188, 192)), about 1.1 MB. */
const READ = 9024 * 128;
const SYNC = 0x47;
/** The bytes {@link tsPacketSize} needs to tell a transport stream: a packet's worth before three sync bytes. */
const HEAD_BYTES = 192 + 2 * 192;
/** How far ffmpeg's demuxer looks for the program tables before it reads the streams from the start (its probesize). */
const PROBE_BYTES = 5_000_000;

/**
 * The packet size of a transport stream whose first bytes are `head`: 188 (three sync bytes a packet apart) or 192
 * (M2TS: the same after a 4-byte time code), or undefined. The first sync byte may come after up to a packet's worth
 * of other bytes — a recording cut mid-packet starts with the rest of one, which ffmpeg's demuxer passes over too —
 * so `head` needs {@link HEAD_BYTES} to tell. Three sync bytes, not one: a single 0x47 ("G") starts many files.
 * @example tsPacketSize(head) // 188
 */
export function tsPacketSize(head: Uint8Array): 188 | 192 | undefined {
  for (const size of [188, 192] as const) {
    const lead = size - 188;
    for (let at = head.indexOf(SYNC, lead); at >= 0 && at < size + lead; at = head.indexOf(SYNC, at + 1)) {
      if (head[at + size] === SYNC && head[at + 2 * size] === SYNC) return size;
    }
  }
  return undefined;
}

/** One walk over the packets: the PMT's PID once the PAT is read, the video PID and stream once the PMT is. */
class TsWalk {
  pmt: number | undefined;
  video: number | undefined;
  stream: ElementaryStream | undefined;
  /** The PMT's first video stream is of a codec not counted here (it has a PID and no stream). */
  get other(): boolean {
    return this.video !== undefined && !this.stream;
  }
  /** An intact PMT of the first program was read. */
  tables = false;
  #started = false;
  readonly #pat = new PsiSections();
  readonly #pmt = new PsiSections();

  /** A walk that starts knowing the video stream `known` found (its PIDs and codec), or nothing. */
  constructor(known?: TsWalk) {
    if (!known) return;
    this.pmt = known.pmt;
    this.video = known.video;
    if (known.stream?.codec) this.stream = new ElementaryStream(known.stream.codec);
  }

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
    if (pid === 0 && this.pmt === undefined) this.#program(this.#pat.push(payload, start));
    else if (pid === this.pmt && this.video === undefined) this.#videoOf(this.#pmt.push(payload, start));
    else if (pid === this.video) this.#pes(payload, start);
  }

  /** The first program's PMT PID from a PAT section `s` (without its CRC). */
  #program(s: Uint8Array | undefined): void {
    if (s?.[0] !== 0) return;
    for (let i = 8; i + 4 <= s.length; i += 4) {
      if (((s[i]! << 8) | s[i + 1]!) === 0) continue;
      this.pmt = ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
      return;
    }
  }

  /** The first video stream's PID and codec from a PMT section `s` (without its CRC). */
  #videoOf(s: Uint8Array | undefined): void {
    if (s?.[0] !== 2) return;
    this.tables = true;
    for (
      let i = 12 + (((s[10]! & 0x0f) << 8) | s[11]!);
      i + 5 <= s.length;
      i += 5 + (((s[i + 3]! & 0x0f) << 8) | s[i + 4]!)
    ) {
      const kind = videoStreamType(s[i]!);
      if (!kind) continue;
      this.video = ((s[i + 1]! & 0x1f) << 8) | s[i + 2]!;
      if (kind !== "other") this.stream = new ElementaryStream(kind);
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

/**
 * Hands `visit` each packet of `file` (packets of `size` bytes) from its start, until `visit` answers false or the
 * packets starting before byte `limit` are walked.
 */
async function eachPacket(file: BlobWindow, size: number, visit: (p: Uint8Array) => boolean, limit: number) {
  const lead = size - 188;
  const end = file.file.size;
  for (let at = 0, n = 0; at < Math.min(end, limit); ) {
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
      if (!visit(chunk.subarray(i + lead, i + size))) return;
      i += size;
    }
    at += i;
  }
}

async function readTs(file: BlobWindow): Promise<Mp4VideoSize | undefined> {
  const size = tsPacketSize(await file.read(0, HEAD_BYTES));
  if (!size) return undefined;
  // As ffmpeg's demuxer does, look for the PAT and PMT in the first PROBE_BYTES and then read the video from the
  // start: a first PMT that was damaged loses no frame sent before its next repetition.
  const probe = new TsWalk();
  await eachPacket(
    file,
    size,
    (p) => {
      probe.packet(p);
      return !probe.tables;
    },
    PROBE_BYTES,
  );
  if (probe.other) return undefined;
  const walk = new TsWalk(probe.video === undefined ? undefined : probe);
  await eachPacket(
    file,
    size,
    (p) => {
      walk.packet(p);
      return true;
    },
    Number.POSITIVE_INFINITY,
  );
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
  fromStream: `its video is none of ${COUNTED_CODECS}, or no intact PAT and PMT name it`,
};
