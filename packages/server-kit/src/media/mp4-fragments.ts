/**
 * @module The samples of one track in the movie fragments of an MP4 (ISO/IEC 14496-12 §8.8): every top-level `moof`
 * after the `moov`, each `traf` of the track (`tfhd.track_ID`), each `trun`'s sample count and durations, with the
 * defaults of `tfhd` and of the track's `trex` (in `moov`'s `mvex`). A fragmented mp4 (ffmpeg's `-movflags
 * frag_keyframe`, with or without `empty_moov`; browsers' MediaRecorder) lists most or all of its samples there.
 */
import { type BlobWindow, type Box, boxAt, boxes, child } from "./mp4-boxes.js";
import { VideoIndexError } from "./video-index-error.js";

/** An MP4 index that contradicts itself or the file: a count read from it would be a wrong number. */
export class Mp4IndexError extends VideoIndexError {
  override name = "Mp4IndexError";
}

/** The largest `moof` read: ffmpeg writes 12 to 16 bytes a sample, so an hour at 60 fps is 3.5 MB. */
const MAX_MOOF_BYTES = 16 * 1024 * 1024;

/** Per-sample defaults of a track: `trex`, overridden per fragment by `tfhd`. */
export interface SampleDefaults {
  duration: number;
  size: number;
}

/** The track whose fragments are counted, and the tracks the `moov` has (a fragment of any other is an error). */
export interface FragmentedTrack {
  trackId: number;
  trackIds: ReadonlySet<number>;
  defaults: SampleDefaults;
}

/** What the fragments hold of the track. */
export interface FragmentCount {
  /** `moof` boxes read. */
  fragments: number;
  samples: number;
  /** The samples' summed durations, in the track's `mdhd` timescale. */
  ticks: number;
}

const u32 = (dv: DataView, at: number) => dv.getUint32(at);

/**
 * The `trex` defaults of `trackId` in an `mvex` box of `moov` (all 0 when it has none: a `tfhd` may give them).
 * @example trexDefaults(moov, mvex, 1) // { duration: 0, size: 0 }
 */
export function trexDefaults(moov: Uint8Array, mvex: Box, trackId: number): SampleDefaults {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  for (const trex of boxes(moov, mvex.start, mvex.end)) {
    if (trex.type !== "trex" || trex.end - trex.start < 24 || u32(dv, trex.start + 4) !== trackId) continue;
    return { duration: u32(dv, trex.start + 12), size: u32(dv, trex.start + 16) };
  }
  return { duration: 0, size: 0 };
}

/** `a + b`, refused when it is no longer an exact integer. */
function add(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new Mp4IndexError(`the fragments' ${what} overflow`);
  return sum;
}

/**
 * Samples, bytes and ticks of one `trun` (§8.8.8), which must be at least as long as its flags and count make it.
 * Bytes after its entries (a muxer's padding) are ignored, as ffmpeg's mov demuxer skips what a box's parser left of
 * it (`mov_read_default`); ffmpeg 5.1 reads a file whose `trun` carries 8 such bytes to the same frames as before.
 */
function trun(dv: DataView, box: Box, defaults: SampleDefaults, where: string) {
  const flags = u32(dv, box.start) & 0xffffff;
  const samples = u32(dv, box.start + 4);
  const optional = (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
  const fields = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  const length = 8 + optional + samples * fields * 4;
  if (length > box.end - box.start) {
    throw new Mp4IndexError(
      `a trun ${where} lists ${samples} samples of ${fields * 4} bytes each in ${box.end - box.start - 8 - optional} bytes`,
    );
  }
  let bytes = flags & 0x200 ? 0 : samples * defaults.size;
  let ticks = flags & 0x100 ? 0 : samples * defaults.duration;
  if (flags & 0x300) {
    let at = box.start + 8 + optional;
    for (let i = 0; i < samples; i++, at += fields * 4) {
      if (flags & 0x100) ticks += u32(dv, at);
      if (flags & 0x200) bytes += u32(dv, at + (flags & 0x100 ? 4 : 0));
    }
  }
  return { samples, bytes, ticks };
}

/** The track's defaults as a `tfhd` (§8.8.7) overrides them; undefined for another track's fragment. */
function tfhd(dv: DataView, box: Box | undefined, track: FragmentedTrack, where: string): SampleDefaults | undefined {
  if (!box || box.end - box.start < 8) throw new Mp4IndexError(`a traf ${where} has no tfhd`);
  const flags = u32(dv, box.start) & 0xffffff;
  const id = u32(dv, box.start + 4);
  if (!track.trackIds.has(id)) throw new Mp4IndexError(`a traf ${where} is of track ${id}, which the moov has not`);
  if (id !== track.trackId) return undefined;
  let at = box.start + 8 + (flags & 0x1 ? 8 : 0) + (flags & 0x2 ? 4 : 0);
  const field = (flag: number, fallback: number) => {
    if (!(flags & flag)) return fallback;
    if (at + 4 > box.end) throw new Mp4IndexError(`the tfhd ${where} is cut short`);
    at += 4;
    return u32(dv, at - 4);
  };
  const duration = field(0x8, track.defaults.duration);
  return { duration, size: field(0x10, track.defaults.size) };
}

/**
 * Samples and ticks of `track` in the `moof` boxes among the top-level boxes from `from` to the end of the file (a
 * box cut by the end of the file ends the walk). Reads are positioned: a `moof` and the headers of the other boxes.
 * Throws {@link Mp4IndexError} for a fragment of a track the `moov` has not, a `trun` too short for the entries its
 * count makes it, sample bytes beyond the file's size, a sum past 2^53, and a `moof` over 16 MiB.
 * @example await countFragments(new BlobWindow(file), moovEnd, { trackId: 1, trackIds: new Set([1]), defaults })
 */
export async function countFragments(file: BlobWindow, from: number, track: FragmentedTrack): Promise<FragmentCount> {
  const end = file.file.size;
  const count: FragmentCount = { fragments: 0, samples: 0, ticks: 0 };
  let bytes = 0;
  for (let at = from; at + 8 <= end; ) {
    const box = boxAt(file.peek(at, 16) ?? (await file.read(at, 16)), at, end, at);
    if (!box) break;
    const where = `in the moof at byte ${at}`;
    at = box.end;
    if (box.type !== "moof") continue;
    if (box.end - box.start > MAX_MOOF_BYTES) throw new Mp4IndexError(`the moof at byte ${box.start} is over 16 MiB`);
    const length = box.end - box.start;
    const moof = file.peek(box.start, length) ?? (await file.read(box.start, length));
    const dv = new DataView(moof.buffer, moof.byteOffset, moof.byteLength);
    count.fragments++;
    for (const traf of boxes(moof, 0, moof.length)) {
      if (traf.type !== "traf") continue;
      const defaults = tfhd(dv, child(moof, traf, "tfhd"), track, where);
      if (!defaults) continue;
      for (const run of boxes(moof, traf.start, traf.end)) {
        if (run.type !== "trun") continue;
        if (run.end - run.start < 8) throw new Mp4IndexError(`a trun ${where} is cut short`);
        const got = trun(dv, run, defaults, where);
        count.samples = add(count.samples, got.samples, "sample counts");
        count.ticks = add(count.ticks, got.ticks, "durations");
        bytes = add(bytes, got.bytes, "sample sizes");
      }
    }
  }
  if (bytes > end) throw new Mp4IndexError(`the fragments' samples take ${bytes} bytes, the file has ${end}`);
  return count;
}
