/**
 * @module A video upload's frame size, frame count and duration read from its container, without decoding and
 * without ffmpeg, whatever the container: the file's first bytes choose a {@link VideoContainer} of
 * {@link VIDEO_CONTAINERS}, which reads it. The gateways count a video job's work units from this, and the runner
 * refuses a file whose figures here understate what ffprobe finds in its stream (`header_mismatch`), so each
 * container names where it read each figure, for that message.
 */
import { AVI_CONTAINER } from "./avi-video-size.js";
import { FLV_CONTAINER } from "./flv-video-size.js";
import { MATROSKA_CONTAINER } from "./matroska-video-size.js";
import { FIRST_BOXES, type Mp4VideoSize, mp4VideoSize } from "./mp4-video-size.js";
import { MPEG_PS_CONTAINER } from "./mpegps-video-size.js";
import { MPEG_TS_CONTAINER } from "./mpegts-video-size.js";
import { OGG_CONTAINER } from "./ogg-video-size.js";

/** What a container says of its first video track. */
export type VideoSize = Mp4VideoSize;

/** Where a container's figures were read, in its own terms (for a message: "its tkhd gives 80×60 px frames"). */
export interface FigureSources {
  /** Of the frame size, e.g. `tkhd gives`. */
  size: string;
  /** Of the frame count, e.g. `stsz lists`. */
  frames: string;
  /** Of the duration, e.g. `mdhd gives`. */
  seconds: string;
}

/** One container format the gateways can measure. */
export interface VideoContainer {
  /** Its name in messages, e.g. `MP4`. */
  name: string;
  /** Whether a file starting with `head` (up to {@link SNIFF_BYTES} bytes, fewer for a shorter file) is one. */
  sniff(head: Uint8Array): boolean;
  /**
   * Its first video track's figures, or undefined where they cannot be read. Figures that contradict themselves
   * give undefined, or with `strict` throw a `VideoIndexError` (`video-index-error.ts`).
   */
  measure(file: Blob, options: { strict?: boolean }): Promise<VideoSize | undefined>;
  /** Where `size`'s figures came from. */
  sources(size: VideoSize): FigureSources;
  /** A command that rewrites a file's header from its stream, e.g. `ffmpeg -i in.mp4 -c copy out.mp4`. */
  rewrite: string;
  /**
   * Set when its figures are read from the stream itself, through codecs it knows (MPEG-TS, MPEG-PS, FLV, Ogg: no
   * header or index holds them, or only a claim), so a file of another codec has no figures a gateway could count
   * its work from, however it is rewritten in the same container: what such a file is, for a message (e.g. `its
   * video is none of MPEG-1, …`).
   */
  fromStream?: string;
}

/**
 * Bytes of a file's start a container is recognised from: an MPEG-TS by its third sync byte, as far as 575 bytes in
 * when the file starts mid-packet (`tsPacketSize`).
 */
export const SNIFF_BYTES = 1024;

/** MP4 and QuickTime MOV (ISO base media), by its index (`mp4-video-size.ts`). */
export const MP4_CONTAINER: VideoContainer = {
  name: "MP4",
  sniff: (head) => head.length >= 8 && FIRST_BOXES.includes(String.fromCharCode(...head.subarray(4, 8))),
  measure: (file, options) => mp4VideoSize(file, options),
  sources: (size) => ({
    size: "tkhd gives",
    frames: size.fragments ? `stsz and ${size.fragments} moof boxes list` : "stsz lists",
    seconds: size.fragments ? "stts and trun boxes give" : "mdhd gives",
  }),
  rewrite: "ffmpeg -i in.mp4 -c copy out.mp4",
};

/** The containers measured, in the order they are tried on a file's first bytes. */
export const VIDEO_CONTAINERS: readonly VideoContainer[] = [
  MP4_CONTAINER,
  MATROSKA_CONTAINER,
  AVI_CONTAINER,
  FLV_CONTAINER,
  OGG_CONTAINER,
  MPEG_TS_CONTAINER,
  MPEG_PS_CONTAINER,
];

/**
 * The container of `file`, from its first bytes; undefined for one not measured here.
 * @example await videoContainer(new Blob([mp4])) // MP4_CONTAINER
 */
export async function videoContainer(file: Blob): Promise<VideoContainer | undefined> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  return VIDEO_CONTAINERS.find((c) => c.sniff(head));
}

/**
 * The figures of `file`'s first video track, read by its container (see {@link VIDEO_CONTAINERS}); undefined for
 * a container not measured here or figures that cannot be read. With `strict`, figures that contradict themselves
 * throw (see {@link VideoContainer.measure}).
 * @example await videoSize(new Blob([mp4])) // { width: 64, height: 48, frames: 12, seconds: 0.5 }
 */
export async function videoSize(file: Blob, options: { strict?: boolean } = {}): Promise<VideoSize | undefined> {
  const container = await videoContainer(file);
  return container?.measure(file, options);
}
