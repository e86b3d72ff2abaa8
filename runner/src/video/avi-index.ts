/**
 * @module The empty video chunks an AVI index lists: a zero-size `##dc` chunk is a dropped frame, shown as a repeat
 * of the one before it (OpenDML AVI 1.02 §"idx1"; ffmpeg's own muxer writes one when `-shortest` or a rate change
 * drops a frame, VirtualDub for every dropped frame). The header's frame count includes them, ffmpeg's demuxer skips
 * them: without this, a whole file would look like one cut short by its empty chunks.
 */
import { open } from "node:fs/promises";

/** The largest `idx1` read: 16 bytes per chunk, a million chunks. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/**
 * How many zero-size chunks of stream `stream` (its two-digit number in the chunk id) the `idx1` index of the AVI at
 * `path` lists; 0 when it has no `idx1` (an OpenDML file indexed by `indx` only) or one over 16 MiB.
 * @example await aviEmptyVideoChunks("/tmp/upload", 0) // 1
 */
export async function aviEmptyVideoChunks(path: string, stream: number): Promise<number> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(8);
    for (let at = 12, chunks = 0; at + 8 <= size && chunks < 1000; chunks++) {
      await file.read(head, 0, 8, at);
      const length = head.readUInt32LE(4);
      if (head.toString("latin1", 0, 4) === "idx1") {
        if (length > MAX_INDEX_BYTES) return 0;
        const index = Buffer.alloc(Math.min(length, size - at - 8));
        await file.read(index, 0, index.length, at + 8);
        const id = String(stream).padStart(2, "0");
        let empty = 0;
        for (let e = 0; e + 16 <= index.length; e += 16) {
          const ckid = index.toString("latin1", e, e + 4);
          if (ckid.startsWith(id) && /^..d[cb]$/.test(ckid) && index.readUInt32LE(e + 12) === 0) empty++;
        }
        return empty;
      }
      at += 8 + length + (length & 1);
    }
    return 0;
  } finally {
    await file.close();
  }
}
