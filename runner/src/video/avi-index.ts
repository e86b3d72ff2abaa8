/**
 * @module What an AVI's own index and header say of its video chunks. A zero-size `##dc` chunk is a dropped frame,
 * shown as a repeat of the one before it (OpenDML AVI 1.02 §"idx1"; ffmpeg's own muxer writes one when `-shortest`
 * or a rate change drops a frame, VirtualDub for every dropped frame). The header's frame count includes them,
 * ffmpeg's demuxer skips them: without this, a whole file would look like one cut short by its empty chunks.
 * An AVI written to a pipe (`ffmpeg … -f avi pipe:1`) has no frame count at all: its muxer could not go back to fill
 * in its sizes and counts, so its `RIFF` size is unknown (all ones; other writers leave 0), and ffmpeg leaves 2^30
 * (`AVI_MAX_RIFF_SIZE`) in the stream header's length, which ffprobe reports as `nb_frames` (and a duration of its
 * own guess: 853.8 s for a 2 s clip).
 */
import { type FileHandle, open } from "node:fs/promises";

/** The largest `idx1` read: 16 bytes per chunk, a million chunks. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** The chunks of one stream an `idx1` lists: all of them, and the zero-size ones among them. */
export interface AviIndexCount {
  chunks: number;
  empty: number;
}

/** The `idx1` entries of stream `stream` in `file`, or undefined without one (or with one over 16 MiB). */
async function countIndex(file: FileHandle, stream: number): Promise<AviIndexCount | undefined> {
  const { size } = await file.stat();
  const head = Buffer.alloc(8);
  for (let at = 12, chunks = 0; at + 8 <= size && chunks < 1000; chunks++) {
    await file.read(head, 0, 8, at);
    const length = head.readUInt32LE(4);
    if (head.toString("latin1", 0, 4) === "idx1") {
      if (length > MAX_INDEX_BYTES) return undefined;
      const index = Buffer.alloc(Math.min(length, size - at - 8));
      await file.read(index, 0, index.length, at + 8);
      const id = String(stream).padStart(2, "0");
      const count: AviIndexCount = { chunks: 0, empty: 0 };
      for (let e = 0; e + 16 <= index.length; e += 16) {
        const ckid = index.toString("latin1", e, e + 4);
        if (!ckid.startsWith(id) || !/^..d[cb]$/.test(ckid)) continue;
        count.chunks++;
        if (index.readUInt32LE(e + 12) === 0) count.empty++;
      }
      return count;
    }
    at += 8 + length + (length & 1);
  }
  return undefined;
}

/** Runs `read` on the file at `path`, closing it after. */
async function withFile<T>(path: string, read: (file: FileHandle) => Promise<T>): Promise<T> {
  const file = await open(path, "r");
  try {
    return await read(file);
  } finally {
    await file.close();
  }
}

/**
 * How many video chunks of stream `stream` (its two-digit number in the chunk id) the `idx1` index of the AVI at
 * `path` lists, and how many of them are empty; undefined when it has no `idx1` (an OpenDML file indexed by `indx`
 * only, a file written to a pipe) or one over 16 MiB.
 * @example await aviIndexedChunks("/tmp/upload", 0) // { chunks: 51, empty: 1 }
 */
export function aviIndexedChunks(path: string, stream: number): Promise<AviIndexCount | undefined> {
  return withFile(path, (file) => countIndex(file, stream));
}

/**
 * How many zero-size chunks of stream `stream` the `idx1` index of the AVI at `path` lists; 0 without an `idx1`.
 * @example await aviEmptyVideoChunks("/tmp/upload", 0) // 1
 */
export async function aviEmptyVideoChunks(path: string, stream: number): Promise<number> {
  return (await aviIndexedChunks(path, stream))?.empty ?? 0;
}

/**
 * Whether the AVI at `path` was closed without its sizes and counts filled in (its first `RIFF` size 0 or all ones,
 * as a muxer writing to a pipe leaves it): its header's frame count and duration are then placeholders.
 * @example await aviSizesUnknown("/tmp/piped.avi") // true
 */
export function aviSizesUnknown(path: string): Promise<boolean> {
  return withFile(path, async (file) => {
    const head = Buffer.alloc(12);
    const { bytesRead } = await file.read(head, 0, 12, 0);
    if (bytesRead < 12 || head.toString("latin1", 0, 4) !== "RIFF") return false;
    const size = head.readUInt32LE(4);
    return size === 0 || size === 0xffffffff;
  });
}
