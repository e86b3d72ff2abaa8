/**
 * @module The frame size, frame count and duration of a Matroska/WebM upload (RFC 9559), read without decoding and
 * without ffmpeg: the first video track's `PixelWidth` × `PixelHeight`, and its frames COUNTED over the Segment's
 * Clusters — every `SimpleBlock` and `BlockGroup`/`Block` of the track, a laced block counting the frames its lacing
 * header gives — by positioned reads of element headers, payloads skipped, so a spooled upload is never loaded.
 *
 * Neither `Cues` nor the `Duration` of `Info` is read: a browser's MediaRecorder writes neither (its Segment and
 * Clusters have unknown sizes, RFC 8794 §6.2), and both are claims, like an MP4's `mdhd` (`mp4-video-size.ts`): the
 * runner decodes the blocks, so the blocks are what a job is priced by and checked against. The duration is the
 * blocks' span: from the earliest block timestamp (its Cluster's `Timestamp` plus its own, × `TimestampScale`) to
 * the latest one's end (its `BlockDuration`, else the track's `DefaultDuration` a frame, else the gap to the block
 * before), as ffprobe's packet timestamps give it.
 *
 * `PixelCrop*` elements are not subtracted: ffmpeg 5.1 ignores them and decodes (and the runner works on) the whole
 * stored frame, which is what the runner checks the size against.
 */

import { CLUSTER_CHILDREN, type ElementHeader, elementHeader, ID, readUint } from "./ebml.js";
import { blockHeader, laceCount } from "./matroska-blocks.js";
import { DEFAULT_TIMESTAMP_SCALE, type SegmentTracks, segmentTracks, timestampScale } from "./matroska-tracks.js";
import { BlobWindow } from "./mp4-boxes.js";
import { VideoIndexError } from "./video-index-error.js";
import type { VideoContainer, VideoSize } from "./video-size.js";

/**
 * Element headers read at most: a 3-hour file at 60 fps with 50 audio blocks a second. Past it the file is not
 * measured (undefined; with `strict` a {@link VideoIndexError}): the gateways price it as an unmeasured file and the
 * runner, whose frame limit is far below, refuses it.
 */
export const MAX_MATROSKA_ELEMENTS = 2_000_000;

/** The largest file walked (reads are positioned, so this bounds the bytes read); past it, as past the element cap. */
export const MAX_MATROSKA_BYTES = 4 * 1024 ** 3;

/** The largest `Info` or `Tracks` element read whole (codec private data included). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/** Bytes of a laced video block read for its lacing header (255 sizes of up to 64 KiB fit). */
const MAX_LACE_BYTES = 64 * 1024;

/** Bytes read at an element: its header (at most 12) and a block's (at most 12), so one read holds both. */
const HEAD = 24;

/** Names of elements in messages. */
const NAMES: Record<number, string> = {
  [ID.segment]: "Segment",
  [ID.info]: "Info",
  [ID.tracks]: "Tracks",
  [ID.cluster]: "Cluster",
  [ID.timestamp]: "Timestamp",
  [ID.simpleBlock]: "SimpleBlock",
  [ID.blockGroup]: "BlockGroup",
  [ID.block]: "Block",
  [ID.blockDuration]: "BlockDuration",
};
const nameOf = (id: number) => NAMES[id] ?? `element 0x${id.toString(16).toUpperCase()}`;

/** An element read from the file: its header, and where its data ends (Infinity: unknown size). */
interface Element extends ElementHeader {
  end: number;
}

/** The video track's blocks: frames, and the timestamps (in `TimestampScale` ticks) its duration comes from. */
interface BlockCount {
  frames: number;
  first: number;
  last: number;
  /** The latest start before `last` (the gap to it is the last frame's length when nothing else gives one). */
  previous: number;
  /** The last block's `BlockDuration` in ticks, and its frames (× `DefaultDuration` without one). */
  lastTicks: number | undefined;
  lastFrames: number;
}

/** One walk over a file's Segment. */
class SegmentWalk {
  readonly end: number;
  scale = DEFAULT_TIMESTAMP_SCALE;
  tracks: SegmentTracks | undefined;
  count: BlockCount = {
    frames: 0,
    first: Infinity,
    last: -Infinity,
    previous: -Infinity,
    lastTicks: undefined,
    lastFrames: 1,
  };
  /** Where the file ends inside an element, when it does. */
  cut: string | undefined;
  #elements = 0;

  constructor(readonly file: BlobWindow) {
    this.end = file.file.size;
  }

  /**
   * The element at `at` inside a parent that ends at `parentEnd` (Infinity: unknown size), from `bytes`, the file's
   * 12 bytes at `at` (fewer at its end); undefined when the file ends inside its header (a cut). Throws for a
   * malformed header, one past the element cap, and an element that overruns its parent. Synchronous: the walk
   * awaits only a read past the window (`file.peek(at, 12) ?? (await file.read(at, 12))`), not every element.
   */
  element(at: number, parentEnd: number, parent: string, bytes: Uint8Array): Element | undefined {
    if (++this.#elements > MAX_MATROSKA_ELEMENTS) {
      throw new VideoIndexError(`it holds more than ${MAX_MATROSKA_ELEMENTS} elements, more than are counted`);
    }
    const header = elementHeader(bytes, at, at);
    if (!header) {
      // Fewer than 12 bytes are the file's last: a header they cut short, unless its ID is malformed already.
      if (bytes.length < 12 && bytes[0]! >= 0x10) {
        this.cut = `the file ends at byte ${this.end}, inside an element header at byte ${at}`;
        return undefined;
      }
      throw new VideoIndexError(`the ${parent} holds a malformed element header at byte ${at}`);
    }
    const end = header.size === undefined ? Infinity : header.start + header.size;
    if (end > parentEnd) {
      const runs = end === Infinity ? "has an unknown size" : `runs to byte ${end}`;
      throw new VideoIndexError(
        `the ${nameOf(header.id)} at byte ${at} ${runs}, past the end of its ${parent} at byte ${parentEnd}`,
      );
    }
    return { id: header.id, start: header.start, size: header.size, end };
  }

  /** An unsigned integer element's value (RFC 8794 §7.2: at most 8 bytes). */
  async uint(element: Element): Promise<number> {
    const size = element.size!;
    if (size > 8)
      throw new VideoIndexError(`the ${nameOf(element.id)} at byte ${element.start} is ${size} bytes, over 8`);
    return readUint(await this.file.read(element.start, size), 0, size);
  }

  /** Marks the walk cut by the end of the file inside `element`, which starts at `at`. */
  cutInside(element: Element, at: number): void {
    this.cut = `the file ends at byte ${this.end}, inside the ${nameOf(element.id)} at byte ${at} that runs to byte ${element.end}`;
  }

  /** The Segment's level-1 elements from `from`: Info and Tracks read, Clusters walked; others skipped. */
  async segment(from: number, segmentEnd: number): Promise<void> {
    for (let at = from; at < Math.min(segmentEnd, this.end); ) {
      const element = this.element(at, segmentEnd, "Segment", await this.file.read(at, HEAD));
      if (!element || element.id === ID.ebml) return;
      if (element.id === ID.cluster) {
        if (!this.tracks?.video) return;
        at = await this.cluster(element, at, segmentEnd);
        continue;
      }
      if (element.end === Infinity) {
        throw new VideoIndexError(`the ${nameOf(element.id)} at byte ${at} has an unknown size (only a Cluster may)`);
      }
      if (element.end > this.end) return this.cutInside(element, at);
      if (element.id === ID.info || element.id === ID.tracks) {
        if (element.size! > MAX_HEADER_BYTES) {
          throw new VideoIndexError(`its ${nameOf(element.id)} of ${element.size} bytes is over ${MAX_HEADER_BYTES}`);
        }
        const data = await this.file.read(element.start, element.size!);
        if (element.id === ID.info) this.scale = timestampScale(data);
        else this.tracks = segmentTracks(data);
      }
      at = element.end;
    }
  }

  /**
   * The blocks of the Cluster at `at`, to its end, or for an unknown-sized one to the first element a Cluster does
   * not hold (the next Cluster, Cues, Tags…): where the Segment goes on.
   */
  async cluster(cluster: Element, at: number, segmentEnd: number): Promise<number> {
    const unknown = cluster.end === Infinity;
    const end = unknown ? segmentEnd : cluster.end;
    let timestamp: number | undefined;
    for (at = cluster.start; at < Math.min(end, this.end); ) {
      const element = this.element(at, end, "Cluster", this.file.peek(at, HEAD) ?? (await this.file.read(at, HEAD)));
      if (!element) return Infinity;
      if (unknown && !CLUSTER_CHILDREN.has(element.id)) return at;
      if (element.end > this.end) {
        this.cutInside(element, at);
        return Infinity;
      }
      if (element.id === ID.timestamp) {
        timestamp = await this.uint(element);
      } else if (element.id === ID.simpleBlock) {
        const laced = this.block(element, this.file.peek(element.start, 12)!, timestamp, undefined);
        if (laced) await laced;
      } else if (element.id === ID.blockGroup) {
        await this.blockGroup(element, timestamp);
      }
      at = element.end;
    }
    return at;
  }

  /** A BlockGroup's Block, with its BlockDuration. */
  async blockGroup(group: Element, timestamp: number | undefined): Promise<void> {
    let block: Element | undefined;
    let duration: number | undefined;
    for (let at = group.start; at < group.end; ) {
      const element = this.element(at, group.end, "BlockGroup", await this.file.read(at, HEAD));
      if (!element) throw new VideoIndexError(`the BlockGroup at byte ${group.start} ends inside an element header`);
      if (element.id === ID.block) block = element;
      if (element.id === ID.blockDuration) {
        duration = await this.uint(element);
      }
      at = element.end;
    }
    if (block) await this.block(block, await this.file.read(block.start, 12), timestamp, duration);
  }

  /**
   * Checks a block's track (`head`: its first 12 bytes, fewer at the file's end) and counts a block of the video
   * track; a laced one gives the promise of its count (its lacing header read first), others are counted at once.
   */
  block(
    block: Element,
    head: Uint8Array,
    clusterTimestamp: number | undefined,
    duration: number | undefined,
  ): Promise<void> | undefined {
    const where = () => `the ${nameOf(block.id)} at byte ${block.start}`;
    const header = blockHeader(head.subarray(0, block.size!));
    if (!header) throw new VideoIndexError(`${where()} is too short for a block header`);
    const { numbers, video } = this.tracks!;
    if (!numbers.has(header.track)) {
      throw new VideoIndexError(`${where()} is of track ${header.track}, which its Tracks do not declare`);
    }
    if (header.track !== video!.number) return undefined;
    const time = clusterTimestamp === undefined ? -1 : clusterTimestamp + header.timecode;
    if (header.lacing === 0) return this.tally(1, time, duration);
    const size = block.size! - header.length;
    return this.file.read(block.start + header.length, Math.min(size, MAX_LACE_BYTES)).then((lacing) => {
      const laces = laceCount(lacing, size, header.lacing);
      if (typeof laces === "string") throw new VideoIndexError(`${where()} is laced, but ${laces}`);
      this.tally(laces, time, duration);
    });
  }

  /** Adds a video block's frames, and its start (`TimestampScale` ticks; negative: none) to the duration. */
  tally(frames: number, start: number, duration: number | undefined): undefined {
    this.count.frames += frames;
    // ffmpeg gives no timestamp to a block before its Cluster's Timestamp or before 0: it counts, but times nothing.
    if (start < 0) return undefined;
    const count = this.count;
    count.first = Math.min(count.first, start);
    if (start > count.last) {
      count.previous = count.last;
      Object.assign(count, { last: start, lastTicks: duration, lastFrames: frames });
    } else if (start > count.previous && start < count.last) count.previous = start;
    return undefined;
  }

  /** The figures, from what was walked. */
  measured(): VideoSize | undefined {
    const video = this.tracks?.video;
    if (!video) return undefined;
    const { width, height } = video;
    const { frames, first, last, previous, lastTicks, lastFrames } = this.count;
    if (frames === 0) return { width, height };
    const lastNs =
      lastTicks !== undefined
        ? lastTicks * this.scale
        : video.defaultDuration !== undefined
          ? lastFrames * video.defaultDuration
          : previous >= 0
            ? (last - previous) * this.scale
            : undefined;
    if (last < 0 || lastNs === undefined) return { width, height, frames };
    return { width, height, frames, seconds: ((last - first) * this.scale + lastNs) / 1e9 };
  }
}

/**
 * The first video track's frame size, frame count and duration of a Matroska/WebM file, or undefined when `file` is
 * not one or has no video track with a frame size. A file cut short is counted to its last whole block, never past
 * it; with `strict` a block cut by the file's end is a {@link VideoIndexError}, as are a malformed element header, an
 * element that overruns its parent, an element of unknown size other than a Segment or Cluster, a block of a track
 * the `Tracks` do not declare, a lacing header that does not fit its block, and a file past
 * {@link MAX_MATROSKA_ELEMENTS} or {@link MAX_MATROSKA_BYTES}; without `strict` each of these gives undefined.
 * @example await matroskaVideoSize(new Blob([webm])) // { width: 64, height: 48, frames: 12, seconds: 0.5 }
 */
export async function matroskaVideoSize(
  file: Blob,
  options: { strict?: boolean } = {},
): Promise<VideoSize | undefined> {
  try {
    if (file.size > MAX_MATROSKA_BYTES) {
      throw new VideoIndexError(`it is ${file.size} bytes, over the ${MAX_MATROSKA_BYTES} that are walked`);
    }
    const walk = new SegmentWalk(new BlobWindow(file));
    const ebml = walk.element(0, Infinity, "file", await walk.file.read(0, HEAD));
    if (ebml?.id !== ID.ebml || ebml.end > walk.end) return undefined;
    const segment = walk.element(ebml.end, Infinity, "file", await walk.file.read(ebml.end, HEAD));
    if (segment?.id !== ID.segment) return undefined;
    await walk.segment(segment.start, segment.end);
    if (walk.cut && options.strict) throw new VideoIndexError(walk.cut);
    return walk.measured();
  } catch (err) {
    if (err instanceof VideoIndexError && !options.strict) return undefined;
    throw err;
  }
}

/** The EBML magic that starts every Matroska and WebM file. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

/** Matroska (`.mkv`) and WebM, by their blocks (`matroska-video-size.ts`). */
export const MATROSKA_CONTAINER: VideoContainer = {
  name: "Matroska/WebM",
  sniff: (head) => EBML_MAGIC.every((b, i) => head[i] === b),
  measure: (file, options) => matroskaVideoSize(file, options),
  sources: () => ({
    size: "PixelWidth/PixelHeight give",
    frames: "SimpleBlocks and Blocks count",
    seconds: "block timestamps give",
  }),
  rewrite: "ffmpeg -i in.webm -c copy out.webm",
};
