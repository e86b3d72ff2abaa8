/**
 * @module The frame size, frame count and duration of an AVI upload (`RIFF….AVI `, Microsoft's AVI RIFF reference
 * and OpenDML AVI 1.02) read from its headers and indexes, without decoding and without ffmpeg. The size is the
 * first video stream's `strf` BITMAPINFOHEADER (else `avih`); its frames are counted, never taken from the header's
 * `dwLength`/`dwTotalFrames` (a claim; 2^30 in a file written to a pipe): from `idx1` (a file of one `RIFF`), from
 * the OpenDML `indx` and its `ix##` chunks (a file over 1 GB, continued in `RIFF AVIX` chunks), else by walking the
 * chunks of every `LIST movi` (a file written to a pipe, or cut short: the count stops at the cut). A zero-size
 * video chunk is a dropped frame that ffmpeg skips (`runner/src/video/avi-index.ts`): not a frame, but its time.
 * All reads are positioned (`BlobWindow`); a spooled upload is never loaded whole.
 */
import { BlobWindow, fourcc } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { figuresOrNone, PastCapError, VideoIndexError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The largest `LIST hdrl` read (ffmpeg writes 4 KiB a stream, with room for its `indx`). */
const MAX_HEADER_BYTES = 1024 * 1024;
/** The most index entries (`idx1` or `ix##`) or chunks read: 2^24, over six days at 30 fps; past it, no figures. */
const MAX_ENTRIES = 2 ** 24;
/** Bytes of an index read at a time. */
const INDEX_READ = 1024 * 1024;

/** What is read of an AVI's first video stream, and which of its indexes counted the frames. */
export interface AviVideoSize extends Mp4VideoSize {
  counted: "idx1" | "indx" | "movi";
}

/** The video chunks of one stream: all of them, and the zero-size (dropped) ones among them. */
export interface AviChunkCount {
  chunks: number;
  empty: number;
}

/** The first video stream of an `hdrl`: its number, size and `strh` timing, and its OpenDML `indx`, if any. */
interface AviStream {
  number: number;
  width: number;
  height: number;
  scale: number;
  rate: number;
  indx?: Uint8Array;
}

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const i32 = (b: Uint8Array, i: number) => u32(b, i) | 0;

/** Whether `ckid` is a video chunk (`##dc` compressed, `##db` uncompressed) of stream `id` (two digits). */
const isVideoChunk = (ckid: string, id: string) =>
  ckid.startsWith(id) && (ckid[3] === "c" || ckid[3] === "b") && ckid[2] === "d";

/** A walk that met the file's end inside a chunk: refused under `strict`, else the count stops there. */
class Walk {
  readonly strict: boolean;
  cut = false;
  constructor(strict: boolean) {
    this.strict = strict;
  }
  /** Records a chunk of `what` ending at `end` past the file's `size`; false: stop counting. */
  fits(what: string, end: number, size: number): boolean {
    if (end <= size) return true;
    if (this.strict) throw new VideoIndexError(`its ${what} runs to byte ${end}, past the file's end at ${size}`);
    this.cut = true;
    return false;
  }
}

/** The first `vids` stream of a `LIST hdrl` payload, sized from its `strf` (else `avih`). */
function videoStream(hdrl: Uint8Array): AviStream | undefined {
  let avih: Uint8Array | undefined;
  let number = 0;
  for (let at = 0; at + 8 <= hdrl.length; ) {
    const id = fourcc(hdrl, at);
    const size = u32(hdrl, at + 4);
    const body = hdrl.subarray(at + 8, at + 8 + size);
    if (body.length < size) throw new VideoIndexError(`its hdrl's ${id} chunk overruns the hdrl`);
    if (id === "avih" && size >= 40) avih = body;
    if (id === "LIST" && size >= 4 && fourcc(body, 0) === "strl") {
      const stream = streamOf(body.subarray(4), number++, avih);
      if (stream) return stream;
    }
    at += 8 + size + (size & 1);
  }
  return undefined;
}

/** The figures of one `strl` payload when its `strh` is a video stream's. */
function streamOf(strl: Uint8Array, number: number, avih: Uint8Array | undefined): AviStream | undefined {
  const stream: Partial<AviStream> = { number };
  let video = false;
  for (let at = 0; at + 8 <= strl.length; ) {
    const id = fourcc(strl, at);
    const size = u32(strl, at + 4);
    const body = strl.subarray(at + 8, at + 8 + size);
    if (body.length < size) throw new VideoIndexError(`its strl's ${id} chunk overruns the strl`);
    if (id === "strh" && size >= 36) {
      video = fourcc(body, 0) === "vids";
      stream.scale = u32(body, 20);
      stream.rate = u32(body, 24);
    }
    // BITMAPINFOHEADER: a negative height is a top-down bitmap of that many rows.
    if (id === "strf" && size >= 12) [stream.width, stream.height] = [Math.abs(i32(body, 4)), Math.abs(i32(body, 8))];
    if (id === "indx" && size >= 24) stream.indx = body;
    at += 8 + size + (size & 1);
  }
  if (!video) return undefined;
  if (!stream.width || !stream.height) [stream.width, stream.height] = avih ? [u32(avih, 32), u32(avih, 36)] : [0, 0];
  return stream as AviStream;
}

/** Adds one video chunk of `size` bytes to `count`; throws past {@link MAX_ENTRIES}. */
function tally(count: AviChunkCount, size: number): void {
  if (++count.chunks > MAX_ENTRIES) throw new PastCapError("too many chunks");
  if (size === 0) count.empty++;
}

/**
 * The `idx1` entries of stream `id` (16 bytes each: ckid, flags, offset, size), each checked to lie in `movi`
 * (offsets from its `movi` fourcc, ffmpeg's and Microsoft's, or from the file's start, some old writers').
 */
async function countIdx1(file: BlobWindow, idx1: Chunk, movi: Chunk, id: string): Promise<AviChunkCount> {
  const count: AviChunkCount = { chunks: 0, empty: 0 };
  if (idx1.end - idx1.start > 32 * MAX_ENTRIES) throw new PastCapError("too many idx1 entries");
  let base: number | undefined;
  for (let at = idx1.start; at + 16 <= idx1.end; ) {
    const bytes = await file.read(at, Math.min(INDEX_READ, idx1.end - at));
    let e = 0;
    for (; e + 16 <= bytes.length; e += 16) {
      const offset = u32(bytes, e + 8);
      const size = u32(bytes, e + 12);
      base ??= offset >= movi.start ? 0 : movi.start - 4;
      if (base + offset < movi.start - 4 || base + offset + 8 + size > movi.end) {
        throw new VideoIndexError(`its idx1 lists a ${size}-byte chunk at ${base + offset}, outside its movi`);
      }
      if (isVideoChunk(fourcc(bytes, e), id)) tally(count, size);
    }
    at += e;
  }
  return count;
}

/** The `ix##` chunks an OpenDML super index (`indx`, bIndexType 0) lists: 8 bytes an entry, bit 31 of the size a flag. */
async function countIndx(file: BlobWindow, indx: Uint8Array, walk: Walk): Promise<AviChunkCount | undefined> {
  if (indx[3] !== 0 || u16(indx, 0) !== 4) return undefined;
  const entries = Math.min(u32(indx, 4), Math.floor((indx.length - 24) / 16));
  const count: AviChunkCount = { chunks: 0, empty: 0 };
  for (let i = 0; i < entries; i++) {
    const offset = u32(indx, 24 + i * 16) + u32(indx, 28 + i * 16) * 2 ** 32;
    const head = await file.read(offset, 32);
    if (head.length < 32) return walk.fits("indx's ix chunk", offset + 32, file.file.size) ? undefined : count;
    const end = offset + 8 + u32(head, 4);
    if (!walk.fits(`${fourcc(head, 0)} chunk`, end, file.file.size)) return count;
    const n = u32(head, 12);
    if (32 + n * 8 > end - offset) throw new VideoIndexError(`its ${fourcc(head, 0)} lists more entries than it holds`);
    for (let at = offset + 32, left = n; left > 0; ) {
      const bytes = await file.read(at, Math.min(INDEX_READ, left * 8));
      const k = Math.min(left, Math.floor(bytes.length / 8));
      for (let e = 0; e < k * 8; e += 8) tally(count, u32(bytes, e + 4) & 0x7fffffff);
      [at, left] = [at + k * 8, left - k];
    }
  }
  return count;
}

/** A chunk's payload, from after its header (a `LIST`'s after its list type too) to its end. */
interface Chunk {
  start: number;
  end: number;
}

/**
 * The video chunks of stream `id` in every `LIST movi` (and `LIST rec `) from `from` (the first `LIST movi`'s
 * header) to the file's end, through
 * `RIFF AVIX` continuations; a `LIST` or `RIFF` of unknown size (0 or all ones: written to a pipe) runs to the end.
 */
async function walkMovi(file: BlobWindow, from: number, id: string, walk: Walk): Promise<AviChunkCount> {
  const count: AviChunkCount = { chunks: 0, empty: 0 };
  const size = file.file.size;
  const ends: number[] = [];
  for (let at = from, walked = 0; at + 8 <= size; ) {
    if (++walked > 4 * MAX_ENTRIES) throw new PastCapError("too many chunks");
    while (ends.length > 0 && at >= ends.at(-1)!) ends.pop();
    const head = await file.read(at, 12);
    const ckid = fourcc(head, 0);
    const length = u32(head, 4);
    const known = length !== 0 && length !== 0xffffffff;
    const end = at + 8 + length + (length & 1);
    if (known && ends.length > 0 && at + 8 + length > ends.at(-1)!) {
      throw new VideoIndexError(`its ${ckid} chunk at byte ${at} overruns the list it is in`);
    }
    if (ckid === "LIST" || ckid === "RIFF") {
      if (known) ends.push(end);
      at += 12;
      continue;
    }
    if (!walk.fits(`${ckid} chunk at byte ${at}`, at + 8 + length, size)) break;
    if (isVideoChunk(ckid, id)) tally(count, length);
    at = end;
  }
  return count;
}

/** The top-level chunks of the first `RIFF` the figures need: `hdrl`, `movi`, `idx1`. */
interface Layout {
  hdrl?: Chunk;
  movi?: Chunk;
  idx1?: Chunk;
  /** Where the first `RIFF` ends: the file's end when its size is unknown. */
  riffEnd: number;
  /** Its size is 0 or all ones: written to a pipe, nothing after `movi` is to be trusted. */
  piped: boolean;
}

async function layout(file: BlobWindow, walk: Walk): Promise<Layout | undefined> {
  const head = await file.read(0, 12);
  if (head.length < 12 || fourcc(head, 0) !== "RIFF" || fourcc(head, 8) !== "AVI ") return undefined;
  const size = file.file.size;
  const riffSize = u32(head, 4);
  const piped = riffSize === 0 || riffSize === 0xffffffff;
  const out: Layout = { riffEnd: piped ? size : Math.min(size, 8 + riffSize), piped };
  if (!piped) walk.fits("RIFF", 8 + riffSize, size);
  for (let at = 12, n = 0; at + 12 <= out.riffEnd && n < 4096; n++) {
    const chunk = await file.read(at, 12);
    const [ckid, length] = [fourcc(chunk, 0), u32(chunk, 4)];
    const type = ckid === "LIST" ? fourcc(chunk, 8) : ckid;
    const open = length === 0xffffffff || (piped && length === 0);
    const end = open ? size : at + 8 + length;
    if (type === "hdrl" || type === "movi" || type === "idx1") {
      out[type] = { start: at + (ckid === "LIST" ? 12 : 8), end: Math.min(end, size) };
    }
    if (type === "movi" && (open || piped)) break;
    if (type === "idx1" || end > size) break;
    at = end + (length & 1);
  }
  return out;
}

async function readAvi(file: BlobWindow, walk: Walk): Promise<AviVideoSize | undefined> {
  const found = await layout(file, walk);
  if (!found?.hdrl || found.hdrl.end - found.hdrl.start > MAX_HEADER_BYTES) return undefined;
  const stream = videoStream(await file.read(found.hdrl.start, found.hdrl.end - found.hdrl.start));
  if (!stream || stream.width <= 0 || stream.height <= 0) return undefined;
  const { width, height } = stream;
  if (!found.movi) return walk.cut ? { width, height, counted: "movi" } : undefined;
  const id = String(stream.number).padStart(2, "0");
  const continued =
    !found.piped && found.riffEnd + 12 <= file.file.size && fourcc(await file.read(found.riffEnd, 4), 0) === "RIFF";
  let counted: AviVideoSize["counted"] = "movi";
  let count: AviChunkCount | undefined;
  if (!walk.cut && !found.piped && found.idx1 && !continued) {
    [counted, count] = ["idx1", await countIdx1(file, found.idx1, found.movi, id)];
  } else if (!found.piped && stream.indx) {
    [counted, count] = ["indx", await countIndx(file, stream.indx, walk)];
  }
  if (!count) [counted, count] = ["movi", await walkMovi(file, found.movi.start - 12, id, walk)];
  const frames = count.chunks - count.empty;
  if (frames === 0) return { width, height, counted };
  const size: AviVideoSize = { width, height, frames, counted };
  if (stream.scale > 0 && stream.rate > 0) size.seconds = (count.chunks * stream.scale) / stream.rate;
  return size;
}

/**
 * The first video stream's frame size, frame count (its non-empty chunks, as ffmpeg reads them) and duration
 * (every chunk, dropped ones too, × `dwScale`/`dwRate`) of an AVI file, or undefined when `file` is not one, has no
 * video stream, or lists more than 2^24 chunks. A file cut short is counted to its cut. Figures that contradict
 * themselves or the file (an index entry outside `movi`, a chunk overrunning its list) give undefined, or with
 * `strict` throw a {@link VideoIndexError}, as a file cut short does.
 * @example await aviVideoSize(new Blob([avi])) // { width: 64, height: 48, frames: 50, seconds: 2.0833, counted: "idx1" }
 */
export function aviVideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<AviVideoSize | undefined> {
  return figuresOrNone(() => readAvi(new BlobWindow(file), new Walk(options.strict ?? false)), options.strict ?? false);
}

/** AVI (`RIFF….AVI `), by its indexes or its chunks (see {@link aviVideoSize}). */
export const AVI_CONTAINER: VideoContainer = {
  name: "AVI",
  sniff: (head) => head.length >= 12 && fourcc(head, 0) === "RIFF" && fourcc(head, 8) === "AVI ",
  measure: (file, options) => aviVideoSize(file, options),
  sources: (size) => ({
    size: "strf gives",
    frames: { idx1: "idx1 lists", indx: "indx and its ix chunks list", movi: "movi chunks hold" }[
      (size as Partial<AviVideoSize>).counted ?? "movi"
    ],
    seconds: "strh rate and its chunks give",
  }),
  rewrite: "ffmpeg -i in.avi -c copy out.avi",
};
