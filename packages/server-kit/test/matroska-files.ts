/**
 * @module Real Matroska/WebM files made by the system's ffmpeg (to a file, or to a pipe as a live recording is
 * written), what ffprobe finds in their video stream, and edits of their bytes that ffmpeg cannot be asked for:
 * unknown-sized Clusters (as a browser's MediaRecorder writes them), laced blocks, BlockGroups.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { elementHeader, ID, vint } from "../src/media/ebml.js";

const exec = promisify(execFile);

/** `seconds` of 64×48 test video at 24 fps, and with `audio` a sine tone, encoded by `codec` args into `format`. */
export async function matroska(
  format: "webm" | "matroska",
  codec: string[],
  options: { seconds?: number; size?: string; audio?: string[]; pipe?: boolean; extra?: string[] } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { seconds = 0.5, size = "64x48", audio, pipe = false, extra = [] } = options;
  const dir = await mkdtemp(join(tmpdir(), "avs-mkv-"));
  try {
    const out = join(dir, "v");
    const args = [
      ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=s=${size}:r=24:d=${seconds}`],
      ...(audio ? ["-f", "lavfi", "-i", `sine=r=48000:d=${seconds}`, ...audio] : []),
      ...["-pix_fmt", "yuv420p", ...codec, ...extra, "-f", format],
    ];
    if (pipe) {
      const { stdout } = await exec("ffmpeg", [...args, "pipe:1"], { encoding: "buffer", maxBuffer: 1 << 30 });
      return new Uint8Array(stdout) as Uint8Array<ArrayBuffer>;
    }
    await exec("ffmpeg", [...args, out]);
    return new Uint8Array(await readFile(out)) as Uint8Array<ArrayBuffer>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What ffprobe (the system's) finds in a file's first video stream: size, `-count_packets`, and the packets' span. */
export async function ffprobeVideo(bytes: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), "avs-probe-"));
  try {
    const path = join(dir, "v.mkv");
    await writeFile(path, bytes);
    const probe = (entries: string, more: string[] = []) =>
      exec("ffprobe", [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        ...more,
        "-show_entries",
        entries,
        "-of",
        "csv=p=0",
        path,
      ]);
    const { stdout } = await probe("stream=width,height,nb_read_packets", ["-count_packets"]);
    const [width = 0, height = 0, packets = 0] = stdout.trim().split(",").map(Number);
    const lines = (await probe("packet=pts_time,duration_time")).stdout.trim().split("\n");
    const times = lines.map((l) => l.split(",").map(Number) as [number, number]);
    const first = Math.min(...times.map(([pts]) => pts));
    const seconds = Math.max(...times.map(([pts, duration]) => pts + (duration || 0))) - first;
    return { width, height, packets, seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A top-level or Cluster child element found in a file: where its header and data are. */
interface Found {
  id: number;
  at: number;
  start: number;
  end: number;
}

/** The children of `bytes[from, to)` (an unknown size reaches `to`). */
function childrenOf(bytes: Uint8Array, from: number, to: number): Found[] {
  const out: Found[] = [];
  for (let at = from; at < to; ) {
    const h = elementHeader(bytes, at)!;
    const end = h.size === undefined ? to : h.start + h.size;
    out.push({ id: h.id, at, start: h.start, end });
    at = end;
  }
  return out;
}

/** The Segment of a file and its level-1 elements. */
function segmentOf(bytes: Uint8Array) {
  const ebml = elementHeader(bytes, 0)!;
  const segment = elementHeader(bytes, ebml.start + ebml.size!)!;
  return { segment, level1: childrenOf(bytes, segment.start, bytes.length) };
}

/** `bytes` with every Cluster's size set to "unknown" (all ones, in the same number of bytes). */
export function unknownClusters(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = Uint8Array.from(bytes);
  for (const el of segmentOf(bytes).level1.filter((e) => e.id === ID.cluster)) {
    const sizeAt = el.at + 4;
    const length = el.start - sizeAt;
    out[sizeAt] = 0xff >> (length - 1);
    out.fill(0xff, sizeAt + 1, el.start);
  }
  return out;
}

/** An element: ID bytes, an 8-byte size, data. */
function element(id: number, data: Uint8Array): Uint8Array {
  const idBytes: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) idBytes.unshift(v & 0xff);
  const size = [0x01, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 7, v = data.length; i > 0; i--, v = Math.floor(v / 256)) size[i] = v & 0xff;
  return Buffer.concat([Buffer.from(idBytes), Buffer.from(size), data]);
}

/** A block's track number (read from its data). */
const trackOf = (bytes: Uint8Array, block: Found) => vint(bytes, block.start)!.value;

/**
 * `bytes` (a file written to a pipe: its Segment of unknown size) rebuilt with each Cluster's SimpleBlocks of `track`
 * changed by `change`, which is given runs of them (`group` consecutive ones of the track, fewer at a Cluster's end)
 * and returns the elements that replace them. Other elements are kept; Clusters are written with 8-byte sizes.
 */
function rebuilt(
  bytes: Uint8Array,
  track: number,
  group: number,
  change: (blocks: Uint8Array[]) => Uint8Array[],
): Uint8Array<ArrayBuffer> {
  const { segment, level1 } = segmentOf(bytes);
  const parts: Uint8Array[] = [bytes.subarray(0, segment.start)];
  for (const el of level1) {
    if (el.id !== ID.cluster) {
      parts.push(bytes.subarray(el.at, el.end));
      continue;
    }
    const kids: Uint8Array[] = [];
    let run: Uint8Array[] = [];
    const flush = () => {
      if (run.length) kids.push(...change(run));
      run = [];
    };
    for (const kid of childrenOf(bytes, el.start, el.end)) {
      if (kid.id === ID.simpleBlock && trackOf(bytes, kid) === track) {
        run.push(bytes.subarray(kid.start, kid.end));
        if (run.length === group) flush();
      } else kids.push(bytes.subarray(kid.at, kid.end));
    }
    flush();
    parts.push(element(ID.cluster, Buffer.concat(kids)));
  }
  return new Uint8Array(Buffer.concat(parts)) as Uint8Array<ArrayBuffer>;
}

/** The lace sizes of frames (all but the last), in the lacing's own coding (RFC 9559 §10.4). */
function laceSizes(frames: Uint8Array[], lacing: 1 | 2 | 3): number[] {
  const sizes = frames.slice(0, -1).map((f) => f.length);
  if (lacing === 2) return [];
  if (lacing === 1) return sizes.flatMap((s) => [...Array(Math.floor(s / 255)).fill(255), s % 255]);
  // EBML: the first as a 2-byte vint, then differences as signed 2-byte vints (value + 8191).
  return sizes.flatMap((s, i) => {
    const v = i === 0 ? s : s - sizes[i - 1]! + 8191;
    return [0x40 | (v >> 8), v & 0xff];
  });
}

/**
 * `bytes` with each run of `group` SimpleBlocks of `track` in a Cluster laced into one (Xiph 1, fixed-size 2, EBML
 * 3): the first block's header with the lacing flag, the lace count, the sizes, the frames. Fixed-size lacing pads
 * frames to the largest with zeros.
 */
export function laced(bytes: Uint8Array, track: number, lacing: 1 | 2 | 3, group = 2): Uint8Array<ArrayBuffer> {
  return rebuilt(bytes, track, group, (blocks) => {
    if (blocks.length === 1) return [element(ID.simpleBlock, blocks[0]!)];
    const head = vint(blocks[0]!, 0)!.length + 3;
    let frames = blocks.map((b) => b.subarray(head));
    if (lacing === 2) {
      const largest = Math.max(...frames.map((f) => f.length));
      frames = frames.map((f) => Buffer.concat([f, new Uint8Array(largest - f.length)]));
    }
    const header = Uint8Array.from(blocks[0]!.subarray(0, head));
    header[head - 1] = (header[head - 1]! & ~0x06) | (lacing << 1);
    const lace = [blocks.length - 1, ...laceSizes(frames, lacing)];
    return [element(ID.simpleBlock, Buffer.concat([header, Uint8Array.from(lace), ...frames]))];
  });
}

/** `bytes` with every SimpleBlock of `track` written as a BlockGroup holding a Block and a BlockDuration of `ticks`. */
export function blockGroups(bytes: Uint8Array, track: number, ticks: number): Uint8Array<ArrayBuffer> {
  return rebuilt(bytes, track, 1, ([block]) => [
    element(ID.blockGroup, Buffer.concat([element(ID.block, block!), element(ID.blockDuration, Uint8Array.of(ticks))])),
  ]);
}
