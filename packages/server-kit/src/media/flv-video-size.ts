/**
 * @module The frame size, frame count and duration of an FLV upload (`FLV\x01`, Adobe's Video File Format
 * Specification v10.1, annex E), read by walking its tags without decoding and without ffmpeg: each 11-byte tag
 * header, its PreviousTagSize and the first bytes of a video tag's payload, by positioned reads (`BlobWindow`),
 * never the payloads. FLV keeps no frame index: the frames are the video tags that carry one, as ffmpeg's demuxer
 * reads them (not a video info/command frame, not an AVC sequence header, not an empty payload). The size is the
 * codec's own, what the stream holds (the first AVC sequence header's SPS, cropped; the first Sorenson H.263
 * picture header), never `onMetaData`'s, a claim; a codec whose size is not read here gives no figures. The
 * duration is the span of the video tags' timestamps plus one frame, never `onMetaData.duration`.
 */
import { avcConfigFrameSize, BitReader } from "./avc-sps.js";
import { BlobWindow } from "./mp4-boxes.js";
import type { Mp4VideoSize } from "./mp4-video-size.js";
import { figuresOrNone, PastCapError, VideoIndexError } from "./video-index-error.js";
import type { VideoContainer } from "./video-size.js";

/** The most tags walked: 2^24, over two days of 30 fps video with its sound; past it, no figures. */
const MAX_TAGS = 2 ** 24;
/** The largest AVC sequence header read. */
const MAX_CONFIG_BYTES = 64 * 1024;
/** Codec ids (annex E.4.3.1). */
const SORENSON_H263 = 2;
const AVC = 7;
/** A video info/command frame (annex E.4.3.1 FrameType 5): no picture. */
const COMMAND_FRAME = 5;
/** Bytes before the picture of a video tag's payload, by codec (VP6: 1 adjustment byte, VP6 alpha: 4 bytes). */
const PAYLOAD_HEADER: Readonly<Record<number, number>> = { 4: 2, 5: 5, [AVC]: 5 };

const u24 = (b: Uint8Array, i: number) => (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + u24(b, i + 1);

/** Sizes of the Sorenson H.263 picture header's 3-bit size code 2 to 6 (ffmpeg's `ff_flv_decode_picture_header`). */
const H263_SIZES = [undefined, undefined, [352, 288], [176, 144], [128, 96], [320, 240], [160, 120]];

/**
 * The frame size of a Sorenson H.263 picture header: a 17-bit start code, 5-bit version, 8-bit picture number,
 * then a 3-bit size code, 0 and 1 followed by an 8-bit or 16-bit width and height.
 */
function h263FrameSize(picture: Uint8Array): { width: number; height: number } | undefined {
  try {
    const bits = new BitReader(picture);
    if (bits.u(17) !== 1 || bits.u(5) > 1) return undefined;
    bits.u(8);
    const code = bits.u(3);
    const [width, height] = code <= 1 ? [bits.u(code ? 16 : 8), bits.u(code ? 16 : 8)] : (H263_SIZES[code] ?? [0, 0]);
    return width! > 0 && height! > 0 ? { width: width!, height: height! } : undefined;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** What the walk found of the video tags. */
interface VideoTags {
  codec?: number;
  size?: { width: number; height: number };
  frames: number;
  /** Timestamps (ms) of the first and last frame. */
  first: number;
  last: number;
}

/** Adds the video tag whose header is `tag` (payload bytes after it) at `at` to `found`. */
async function videoTag(file: BlobWindow, tag: Uint8Array, at: number, found: VideoTags): Promise<void> {
  const length = u24(tag, 1);
  const flags = tag[11]!;
  const codec = flags & 15;
  if (length === 0 || flags >> 4 === COMMAND_FRAME) return;
  found.codec ??= codec;
  if (codec !== found.codec) return;
  if (codec === AVC && length >= 5 && tag[12] === 0) {
    if (!found.size && length - 5 <= MAX_CONFIG_BYTES) {
      found.size = avcConfigFrameSize(await file.read(at + 16, length - 5));
    }
    return;
  }
  if (length <= (PAYLOAD_HEADER[codec] ?? 1)) return;
  if (codec === SORENSON_H263) found.size ??= h263FrameSize(tag.subarray(12));
  // The timestamp's 24 bits and its extension byte, the high 8 bits of a signed 32-bit count of milliseconds.
  const time = (tag[7]! << 24) | u24(tag, 4);
  if (found.frames++ === 0) found.first = time;
  found.last = time;
}

async function readFlv(file: BlobWindow, strict: boolean): Promise<Mp4VideoSize | undefined> {
  const end = file.file.size;
  const head = await file.read(0, 9);
  if (head.length < 9 || String.fromCharCode(...head.subarray(0, 4)) !== "FLV\x01") return undefined;
  const offset = u32(head, 5);
  if (offset < 9) throw new VideoIndexError(`its header says its tags start at byte ${offset}, inside the header`);
  const found: VideoTags = { frames: 0, first: 0, last: 0 };
  let previous = 0;
  let at = offset + 4;
  for (let n = 0; at + 11 <= end; n++) {
    if (n >= MAX_TAGS) throw new PastCapError("too many tags");
    const bytes = await file.read(at - 4, 4 + 11 + 16);
    const [stated, tag] = [u32(bytes, 0), bytes.subarray(4)];
    if (stated !== previous && stated !== 0) {
      throw new VideoIndexError(`the tag before byte ${at} is ${previous} bytes, its PreviousTagSize says ${stated}`);
    }
    const length = u24(tag, 1);
    if (at + 11 + length > end) break;
    if ((tag[0]! & 0x1f) === 9) await videoTag(file, tag, at, found);
    previous = 11 + length;
    at += previous + 4;
  }
  if (at < end && strict) throw new VideoIndexError(`its tag at byte ${at} runs past the file's end at ${end}`);
  if (!found.size || (found.codec !== AVC && found.codec !== SORENSON_H263)) return undefined;
  const { width, height } = found.size;
  if (found.frames === 0) return { width, height };
  const size: Mp4VideoSize = { width, height, frames: found.frames };
  const span = found.last - found.first;
  if (found.frames > 1 && span > 0) size.seconds = (span + span / (found.frames - 1)) / 1000;
  return size;
}

/**
 * The video's frame size, frame count (its video tags that carry a picture, as ffmpeg reads them) and duration
 * (the tags' timestamps) of an FLV file of Sorenson H.263 or AVC video, or undefined when `file` is not one, holds
 * another codec, or has more than 2^24 tags. A file cut short is counted to its last whole tag. Figures that
 * contradict themselves (a PreviousTagSize that is not the tag before's) give undefined, or with `strict` throw a
 * {@link VideoIndexError}, as a file cut short does.
 * @example await flvVideoSize(new Blob([flv])) // { width: 64, height: 48, frames: 50, seconds: 2.0833 }
 */
export function flvVideoSize(file: Blob, options: { strict?: boolean } = {}): Promise<Mp4VideoSize | undefined> {
  return figuresOrNone(() => readFlv(new BlobWindow(file), options.strict ?? false), options.strict ?? false);
}

/** FLV (`FLV\x01`), by walking its tags (see {@link flvVideoSize}). */
export const FLV_CONTAINER: VideoContainer = {
  name: "FLV",
  sniff: (head) => head.length >= 4 && head[0] === 0x46 && head[1] === 0x4c && head[2] === 0x56 && head[3] === 1,
  measure: (file, options) => flvVideoSize(file, options),
  sources: () => ({ size: "codec header gives", frames: "video tags hold", seconds: "video tags' timestamps give" }),
  rewrite: "ffmpeg -i in.flv -c copy out.flv",
  fromStream: "its video is neither H.264 nor Sorenson H.263 (e.g. VP6 or screen video)",
};
