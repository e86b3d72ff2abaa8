/**
 * @module The frame size and frame count of an MP4/MOV upload read from its index (the `moov` box, ISO/IEC 14496-12:
 * `tkhd` width and height, `stsz`/`stz2` sample count and `mdhd` duration of the track whose `hdlr` is `vide`), without decoding and
 * without ffmpeg, so a gateway can count a video job's work units. Other containers give undefined.
 */

/** The largest `moov` read (an index of hours of video is a few MiB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the payload (after the header). */
  start: number;
  end: number;
}

/** The boxes of `bytes[from, to)`; stops at the first malformed header. */
function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = dv.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(dv.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

const child = (bytes: Uint8Array, box: Box, type: string) =>
  boxes(bytes, box.start, box.end).find((b) => b.type === type);

/** What is read of a video track: frame size, and (unless the file is fragmented) frame count and duration. */
export interface Mp4VideoSize {
  width: number;
  height: number;
  frames?: number;
  /** The track's media duration in seconds (`mdhd`): frames ÷ frame rate for a constant-rate video. */
  seconds?: number;
}

/** The `mdhd` duration in seconds (v0: 32-bit times, v1: 64-bit), or undefined when it is 0 or unreadable. */
function mediaSeconds(moov: Uint8Array, mdhd: Box | undefined): number | undefined {
  if (!mdhd) return undefined;
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const v1 = moov[mdhd.start] === 1;
  const at = mdhd.start + 4 + (v1 ? 16 : 8);
  if (at + (v1 ? 12 : 8) > mdhd.end) return undefined;
  const timescale = dv.getUint32(at);
  const duration = v1 ? Number(dv.getBigUint64(at + 4)) : dv.getUint32(at + 4);
  return timescale > 0 && duration > 0 ? duration / timescale : undefined;
}

/** Width, height, sample count and duration of the first video track of a `moov` box's bytes. */
function videoTrack(moov: Uint8Array): Mp4VideoSize | undefined {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  for (const trak of boxes(moov, 0, moov.length).filter((b) => b.type === "trak")) {
    const mdia = child(moov, trak, "mdia");
    const hdlr = mdia && child(moov, mdia, "hdlr");
    if (!hdlr || hdlr.end - hdlr.start < 12) continue;
    if (String.fromCharCode(...moov.subarray(hdlr.start + 8, hdlr.start + 12)) !== "vide") continue;
    const tkhd = child(moov, trak, "tkhd");
    const minf = child(moov, mdia, "minf");
    const stbl = minf && child(moov, minf, "stbl");
    const stsz = stbl && (child(moov, stbl, "stsz") ?? child(moov, stbl, "stz2"));
    if (!tkhd || !stsz || stsz.end - stsz.start < 12) return undefined;
    // After version/flags: v0 has 20 bytes of times and ids, v1 32; then 52 bytes to the 16.16 width and height.
    const at = tkhd.start + 4 + (moov[tkhd.start] === 1 ? 32 : 20) + 52;
    if (at + 8 > tkhd.end) return undefined;
    const width = Math.round(dv.getUint32(at) / 65536);
    const height = Math.round(dv.getUint32(at + 4) / 65536);
    const frames = dv.getUint32(stsz.start + 8);
    if (width <= 0 || height <= 0) return undefined;
    // A fragmented mp4 lists its samples in `moof` boxes, not in `moov`: its count is unknown here.
    if (frames === 0) return { width, height };
    const seconds = mediaSeconds(moov, child(moov, mdia, "mdhd"));
    return seconds === undefined ? { width, height, frames } : { width, height, frames, seconds };
  }
  return undefined;
}

/**
 * The first video track's frame size, frame count and duration of an MP4/MOV file (index at the start or at the
 * end; no count for a fragmented file), or undefined when `file` is not one or has no readable video track.
 * @example await mp4VideoSize(new Blob([mp4])) // { width: 64, height: 48, frames: 12, seconds: 0.5 }
 */
export async function mp4VideoSize(file: Blob): Promise<Mp4VideoSize | undefined> {
  let at = 0;
  let first = true;
  while (at + 8 <= file.size) {
    const head = new Uint8Array(await file.slice(at, at + 16).arrayBuffer());
    const dv = new DataView(head.buffer);
    let size = dv.getUint32(0);
    const type = String.fromCharCode(...head.subarray(4, 8));
    let header = 8;
    if (size === 1 && head.length >= 16) {
      size = Number(dv.getBigUint64(8));
      header = 16;
    } else if (size === 0) size = file.size - at;
    // An ISO base media file opens with one of these; anything else (WebM, AVI, text) is not one.
    if (first && !["ftyp", "moov", "wide", "mdat", "free", "skip"].includes(type)) return undefined;
    first = false;
    if (size < header || at + size > file.size) return undefined;
    if (type === "moov") {
      if (size > MAX_MOOV_BYTES) return undefined;
      return videoTrack(new Uint8Array(await file.slice(at + header, at + size).arrayBuffer()));
    }
    at += size;
  }
  return undefined;
}
