/**
 * @module The frame size and frame count of an MP4/MOV upload read from its index (the `moov` box, ISO/IEC 14496-12:
 * `tkhd` width and height, `stsz`/`stz2` sample count and `mdhd` duration of the track whose `hdlr` is `vide`; and,
 * when `moov` has an `mvex`, the samples of that track in the `moof` boxes after it), without decoding and without
 * ffmpeg, so a gateway can count a video job's work units. Other containers give undefined.
 *
 * A fragmented file's duration is its samples': the `stts` deltas of the `moov`'s samples plus the fragments' sample
 * durations, never `mdhd` plus the fragments. ISO/IEC 14496-12 §8.8.1 says the fragments' samples are "logically
 * added" to the `moov`'s, but writers disagree on what `mdhd` (and `mvhd`) then hold: ffmpeg writes the `moov`'s own
 * samples (0 with `empty_moov`), other packagers the whole file's length, which added to the fragments counted it
 * twice. `mehd` (§8.8.2) is optional, in the movie's timescale, and a claim like `mdhd`. ffmpeg's demuxer ends the
 * stream where its last fragment sample ends (ffprobe 5.1 gives 2 s for a 2 s file whose `mdhd` says 0.5, 2 or 3 s),
 * and the runner decodes the samples: they are what a job is priced by and checked against.
 */
import { BlobWindow, type Box, boxAt, boxes, child } from "./mp4-boxes.js";
import { countFragments, type FragmentedTrack, Mp4IndexError, trexDefaults } from "./mp4-fragments.js";

/** The largest `moov` read (an index of hours of video is a few MiB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/** What is read of a video track: frame size, and (unless it lists no sample) frame count and duration. */
export interface Mp4VideoSize {
  width: number;
  height: number;
  /** Samples in `stsz` and in the fragments. */
  frames?: number;
  /**
   * The track's media duration in seconds (`mdhd`; for a fragmented file the samples' durations, `stts` and the
   * fragments'): frames ÷ frame rate at a constant rate.
   */
  seconds?: number;
  /** The `moof` boxes counted, for a fragmented file. */
  fragments?: number;
}

/** The `mdhd` timescale and duration (v0: 32-bit times, v1: 64-bit; all ones, "unknown", and unreadable give 0). */
function mediaTime(moov: Uint8Array, mdhd: Box | undefined): { timescale: number; duration: number } {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const v1 = mdhd !== undefined && moov[mdhd.start] === 1;
  const at = mdhd ? mdhd.start + 4 + (v1 ? 16 : 8) : 0;
  if (!mdhd || at + (v1 ? 12 : 8) > mdhd.end) return { timescale: 0, duration: 0 };
  const long = v1 ? dv.getBigUint64(at + 4) : BigInt(dv.getUint32(at + 4));
  const unknown = long === (v1 ? 2n ** 64n - 1n : 2n ** 32n - 1n) || long > BigInt(Number.MAX_SAFE_INTEGER);
  return { timescale: dv.getUint32(at), duration: unknown ? 0 : Number(long) };
}

/** The first video track of a `moov`: its size and `stsz` count, its timing, and what its fragments need. */
interface MoovTrack {
  width: number;
  height: number;
  samples: number;
  timescale: number;
  duration: number;
  /** The `stts` deltas' sum, in the `mdhd` timescale (undefined without a readable `stts`). */
  sampleTicks: number | undefined;
  /** Set when `moov` has an `mvex`: the file may hold fragments. */
  fragmented?: FragmentedTrack;
}

/** Width, height, sample count and timing of the first video track of a `moov` box's bytes. */
function videoTrack(moov: Uint8Array): MoovTrack | undefined {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const top = boxes(moov, 0, moov.length);
  const traks = top.filter((b) => b.type === "trak");
  for (const trak of traks) {
    const mdia = child(moov, trak, "mdia");
    const hdlr = mdia && child(moov, mdia, "hdlr");
    if (!hdlr || hdlr.end - hdlr.start < 12) continue;
    if (String.fromCharCode(...moov.subarray(hdlr.start + 8, hdlr.start + 12)) !== "vide") continue;
    const tkhd = child(moov, trak, "tkhd");
    const minf = child(moov, mdia, "minf");
    const stbl = minf && child(moov, minf, "stbl");
    const stsz = stbl && (child(moov, stbl, "stsz") ?? child(moov, stbl, "stz2"));
    const stts = stbl && child(moov, stbl, "stts");
    if (!tkhd || !stsz || stsz.end - stsz.start < 12) return undefined;
    // After version/flags: v0 has 20 bytes of times and ids, v1 32; then 52 bytes to the 16.16 width and height.
    const at = tkhd.start + 4 + (moov[tkhd.start] === 1 ? 32 : 20) + 52;
    if (at + 8 > tkhd.end) return undefined;
    const width = Math.round(dv.getUint32(at) / 65536);
    const height = Math.round(dv.getUint32(at + 4) / 65536);
    if (width <= 0 || height <= 0) return undefined;
    const track: MoovTrack = {
      width,
      height,
      samples: dv.getUint32(stsz.start + 8),
      ...mediaTime(moov, child(moov, mdia, "mdhd")),
      sampleTicks: stts && sttsTicks(dv, stts),
    };
    const mvex = top.find((b) => b.type === "mvex");
    if (mvex) {
      const trackId = trackIdOf(moov, tkhd);
      const trackIds = new Set(traks.map((t) => trackIdOf(moov, child(moov, t, "tkhd"))));
      track.fragmented = { trackId, trackIds, defaults: trexDefaults(moov, mvex, trackId) };
    }
    return track;
  }
  return undefined;
}

/**
 * The sum of a `stts` box's deltas (§8.6.1.2: entry count, then sample count and delta per entry), over the entries
 * the box holds; undefined when its header is cut. Throws {@link Mp4IndexError} past 2^53.
 */
function sttsTicks(dv: DataView, stts: Box): number | undefined {
  if (stts.end - stts.start < 8) return undefined;
  const entries = Math.min(dv.getUint32(stts.start + 4), Math.floor((stts.end - stts.start - 8) / 8));
  let ticks = 0;
  for (let i = 0, at = stts.start + 8; i < entries; i++, at += 8) {
    ticks += dv.getUint32(at) * dv.getUint32(at + 4);
    if (!Number.isSafeInteger(ticks)) throw new Mp4IndexError("the moov's sample durations overflow");
  }
  return ticks;
}

/** A `tkhd`'s `track_ID` (after version/flags and the v0 32-bit or v1 64-bit times); -1 when it is cut. */
function trackIdOf(moov: Uint8Array, tkhd: Box | undefined): number {
  const at = tkhd ? tkhd.start + (moov[tkhd.start] === 1 ? 20 : 12) : 0;
  return tkhd && at + 4 <= tkhd.end ? new DataView(moov.buffer, moov.byteOffset + at, 4).getUint32(0) : -1;
}

/** A track's figures with its fragments': no count when it lists no sample, no duration when it has none. */
function measured(track: MoovTrack, fragments: { fragments: number; samples: number; ticks: number }): Mp4VideoSize {
  const { width, height } = track;
  const frames = track.samples + fragments.samples;
  if (frames === 0) return { width, height };
  const ticks = track.fragmented ? (track.sampleTicks ?? track.duration) + fragments.ticks : track.duration;
  const size: Mp4VideoSize = { width, height, frames };
  if (track.timescale > 0 && ticks > 0) size.seconds = ticks / track.timescale;
  if (fragments.fragments > 0) size.fragments = fragments.fragments;
  return size;
}

/**
 * The first box types of an ISO base media file, those ffmpeg's demuxer ranks highest among them (QuickTime files
 * may start with a `pnot` preview, a `junk` or a `udta` atom); anything else (WebM, AVI, text) is not one.
 */
export const FIRST_BOXES = ["ftyp", "moov", "wide", "mdat", "free", "skip", "pnot", "junk", "udta"];

/**
 * The first video track's frame size, frame count and duration of an MP4/MOV file (index at the start or at the
 * end; a fragmented file's samples counted over its `moof` boxes), or undefined when `file` is not one or has no
 * readable video track. An index that contradicts itself (see {@link countFragments}) gives undefined too, or with
 * `strict`, throws its {@link Mp4IndexError}: a caller that checks a file against its index refuses it.
 * @example await mp4VideoSize(new Blob([mp4])) // { width: 64, height: 48, frames: 12, seconds: 0.5 }
 */
export async function mp4VideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<Mp4VideoSize | undefined> {
  try {
    return await readVideoSize(new BlobWindow(file));
  } catch (err) {
    if (err instanceof Mp4IndexError && !options.strict) return undefined;
    throw err;
  }
}

async function readVideoSize(file: BlobWindow): Promise<Mp4VideoSize | undefined> {
  const end = file.file.size;
  for (let at = 0; at + 8 <= end; ) {
    const box = boxAt(await file.read(at, 16), at, end, at);
    if (!box || (at === 0 && !FIRST_BOXES.includes(box.type))) return undefined;
    if (box.type === "moov") {
      if (box.end - box.start > MAX_MOOV_BYTES) return undefined;
      const track = videoTrack(await file.read(box.start, box.end - box.start));
      if (!track) return undefined;
      const none = { fragments: 0, samples: 0, ticks: 0 };
      return measured(track, track.fragmented ? await countFragments(file, box.end, track.fragmented) : none);
    }
    at = box.end;
  }
  return undefined;
}
