/**
 * @module That an MP4/MOV upload's index does not understate its video: the broadcaster and the orchestrator count a
 * job's work units from the index alone (`mp4VideoSize` of server-kit: `tkhd` width × height, the sample count of
 * `stsz` and of a fragmented file's `trun` boxes, and the duration that prices a frame-rate change: `mdhd`, or a
 * fragmented file's `stts` and `trun` sample durations), while the runner works on the frames the stream really
 * holds. A file whose index gives smaller frames, fewer of them
 * or a shorter duration than its stream has — edited bytes — would be paid for as less work than it is, and one whose
 * fragments contradict themselves is counted as unmeasured; both are refused before anything is decoded.
 */
import { openAsBlob } from "node:fs";
import { Mp4IndexError, mp4VideoSize } from "@ai-video-subnet/server-kit";
import { MP4_DEMUXER } from "./container.js";
import { VideoInputError } from "./errors.js";
import type { Rational } from "./rational.js";

/**
 * The narrowest pixel the header's size is allowed to imply: `tkhd` gives the displayed size, the stored width times
 * the sample aspect ratio, so an NTSC 720×480 at 8:9 or 10:11 declares 640×480 or 654×480. A ratio below this (the
 * stream's own, which the same sender writes) no longer widens what the header may understate.
 */
const NARROWEST_SAMPLE_ASPECT = 8 / 9;

/**
 * The share of each side a `tkhd` may leave out besides: QuickTime gives the clean aperture there, the picture
 * without the edges broadcast video keeps for overscan (NTSC DV/ProRes: 720×486 stored, 704×480 clean, 640×480
 * declared at 10:11; HD 1920×1080 with 1888×1062), and ffmpeg decodes the whole stored frame. 3 % covers both (2.2 %
 * and 1.7 %); a share, not a number of pixels, so that a small video gains no more room than a large one.
 */
const CLEAN_APERTURE_SHARE = 1.03;

/** What the probe found of the stream, against the index. */
export interface StreamFacts {
  /** The stored frame size, before rotation (ffprobe's `width` × `height`, cropping applied). */
  width: number;
  height: number;
  sampleAspectRatio: Rational | undefined;
  /** Packets of the stream (discarded pre-roll included, which `stsz` counts too). */
  packets: number;
  /** From the first presented frame's start to the last one's end, in seconds. */
  durationSeconds: number;
}

/**
 * Throws a 400 `header_mismatch` {@link VideoInputError} when the MP4/MOV file at `path` declares smaller frames in
 * its `tkhd` (beyond rounding and a non-square pixel, in either orientation), fewer samples in its `stsz` and
 * fragments or a shorter duration (beyond one frame) than `stream` holds, or has fragments that contradict
 * themselves (see `Mp4IndexError`). Other containers, and an index that lists no sample, pass.
 * @example await checkHeaderAgreement("/tmp/upload", MP4_DEMUXER, { width: 160, height: 120, sampleAspectRatio: undefined, packets: 50, durationSeconds: 2 })
 */
export async function checkHeaderAgreement(
  path: string,
  container: string,
  stream: StreamFacts,
  field = "video",
): Promise<void> {
  if (container !== MP4_DEMUXER) return;
  const disagree = (what: string, cause?: unknown) =>
    new VideoInputError(
      "header_mismatch",
      `${field}'s MP4 header and its frames disagree: ${what}; work is counted from the header, so send a file whose ` +
        "header gives its real frame size, frame count and duration (ffmpeg -i in.mp4 -c copy out.mp4 rewrites it)",
      cause === undefined ? {} : { cause },
    );
  const declared = await mp4VideoSize(await openAsBlob(path), { strict: true }).catch((err: unknown) => {
    throw err instanceof Mp4IndexError ? disagree(`its index contradicts itself: ${err.message}`, err) : err;
  });
  if (!declared) return;
  const index = declared.fragments ? `stsz and ${declared.fragments} moof boxes list` : "stsz lists";
  const sar = stream.sampleAspectRatio ? stream.sampleAspectRatio.num / stream.sampleAspectRatio.den : 1;
  const widen = 1 / Math.min(1, Math.max(sar, NARROWEST_SAMPLE_ASPECT));
  const side = (n: number) => n * CLEAN_APERTURE_SHARE + 1;
  const allowed = side(declared.width * widen) * side(declared.height);
  if (stream.width * stream.height > allowed) {
    throw disagree(
      `its tkhd gives ${declared.width}×${declared.height} px frames, its stream holds ${stream.width}×${stream.height} px frames`,
    );
  }
  if (declared.frames !== undefined && stream.packets > declared.frames) {
    throw disagree(`its ${index} ${declared.frames} frames, its stream holds ${stream.packets}`);
  }
  // mdhd (or the samples) spans every sample, pre-roll included, so it is never shorter than what is presented; a frame's length and
  // a millisecond of slack cover the guessed length of the last frame.
  const slack = stream.durationSeconds / Math.max(1, stream.packets) + 0.001;
  if (declared.seconds !== undefined && stream.durationSeconds > declared.seconds + slack) {
    const s = (n: number) => `${Math.round(n * 1000) / 1000} s`;
    const timing = declared.fragments ? "stts and trun boxes give" : "mdhd gives";
    throw disagree(`its ${timing} ${s(declared.seconds)}, its stream lasts ${s(stream.durationSeconds)}`);
  }
}
