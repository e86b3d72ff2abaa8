/**
 * @module That a video upload's container does not understate its video: the broadcaster and the orchestrator count
 * a job's work units from the container alone (server-kit's `videoSize`: for an MP4/MOV its index, `tkhd` width ×
 * height, the sample count of `stsz` and of a fragmented file's `trun` boxes, and the duration that prices a
 * frame-rate change: `mdhd`, or a fragmented file's `stts` and `trun` sample durations; each container of
 * `VIDEO_CONTAINERS` its own), while the runner works on the frames the stream really holds. A file whose container
 * gives smaller frames, fewer of them or a shorter duration than its stream has — edited bytes — would be paid for
 * as less work than it is, and one the gateways cannot measure (figures that contradict themselves, none at all, a
 * codec they do not size, a container they do not recognise from its first bytes) is priced as one 512×512 frame
 * whatever it holds; all of them are refused before anything is decoded.
 */
import { openAsBlob } from "node:fs";
import { VideoIndexError, videoContainer } from "@ai-video-subnet/server-kit";
import { GATEWAY_CONTAINERS } from "./container.js";
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
 * Throws a 400 `header_mismatch` {@link VideoInputError} when the container of the file at `path` (one server-kit's
 * `videoContainer` measures) declares smaller frames (beyond rounding, a non-square pixel and a clean aperture, in
 * either orientation), fewer frames or a shorter duration (beyond one frame) than `stream` holds, or figures that
 * contradict themselves (see `VideoIndexError`), or no figures at all (a TS, PS, FLV or Ogg of a codec it does not
 * size, see `VideoContainer.fromStream`; a header without a frame size) — the gateways price a video they cannot
 * measure as one 512×512 frame — or, given the ffmpeg `demuxer` that read it, does not start as that container does
 * (see `GATEWAY_CONTAINERS`). Figures it does not give (a duration) are not compared.
 * @example await checkHeaderAgreement("/tmp/upload", { width: 160, height: 120, sampleAspectRatio: undefined, packets: 50, durationSeconds: 2 }, "avi")
 */
export async function checkHeaderAgreement(
  path: string,
  stream: StreamFacts,
  demuxer: string,
  field = "video",
): Promise<void> {
  const file = await openAsBlob(path);
  const container = await videoContainer(file);
  const read = GATEWAY_CONTAINERS[demuxer];
  if (read && container !== read) {
    throw new VideoInputError(
      "header_mismatch",
      `${field} is ${read.name} to ffmpeg, but its first bytes are not ${read.name}'s start: the gateways ` +
        "recognise a container by its first bytes and count the work from it, so this file would be priced as " +
        `one 512×512 frame whatever it holds; send it from the container's first byte (${read.rewrite} rewrites it)`,
    );
  }
  if (!container) return;
  const disagree = (what: string, cause?: unknown) =>
    new VideoInputError(
      "header_mismatch",
      `${field}'s ${container.name} header and its frames disagree: ${what}; work is counted from the header, so send ` +
        `a file whose header gives its real frame size, frame count and duration (${container.rewrite} rewrites it)`,
      cause === undefined ? {} : { cause },
    );
  const declared = await container.measure(file, { strict: true }).catch((err: unknown) => {
    throw err instanceof VideoIndexError ? disagree(`its index contradicts itself: ${err.message}`, err) : err;
  });
  if (!declared && container.fromStream) {
    // Priced as one 512×512 frame by the gateways: a long video would be paid for as next to no work.
    throw new VideoInputError(
      "header_mismatch",
      `${field}'s ${container.name} stream cannot be measured where work is counted: ${container.fromStream}; ` +
        `send it in MP4, MOV, WebM or MKV (${container.rewrite.replace(/\bout\.\w+$/, "out.mkv")} rewrites it)`,
    );
  }
  // A header of no figures would be priced as one 512×512 frame as well.
  if (!declared) throw disagree("it gives no frame size or count that can be read");
  const from = container.sources(declared);
  const sar = stream.sampleAspectRatio ? stream.sampleAspectRatio.num / stream.sampleAspectRatio.den : 1;
  const widen = 1 / Math.min(1, Math.max(sar, NARROWEST_SAMPLE_ASPECT));
  const side = (n: number) => n * CLEAN_APERTURE_SHARE + 1;
  const allowed = side(declared.width * widen) * side(declared.height);
  if (stream.width * stream.height > allowed) {
    const { num, den } = stream.sampleAspectRatio ?? { num: 1, den: 1 };
    if (stream.width * stream.height <= side(declared.width / sar) * side(declared.height)) {
      // Not edited bytes: pixels narrower than the floor, which a remux keeps; only a re-encode squares them.
      throw new VideoInputError(
        "header_mismatch",
        `${field}'s pixels are narrower than 8:9 (sample aspect ratio ${num}:${den}): its ${container.name} header ` +
          `gives the displayed ${declared.width}×${declared.height} px, its stream holds ${stream.width}×` +
          `${stream.height} px frames, and work is counted from the header; send it with square pixels ` +
          `(ffmpeg -i in.mp4 -vf "scale=trunc(iw*sar/2)*2:ih,setsar=1" out.mp4 re-encodes it)`,
      );
    }
    throw disagree(
      `its ${from.size} ${declared.width}×${declared.height} px frames, its stream holds ${stream.width}×${stream.height} px frames`,
    );
  }
  if (declared.frames !== undefined && stream.packets > declared.frames) {
    throw disagree(`its ${from.frames} ${declared.frames} frames, its stream holds ${stream.packets}`);
  }
  // A declared duration spans every sample, pre-roll included, so it is never shorter than what is presented; a
  // frame's length and a millisecond of slack cover the guessed length of the last frame.
  const slack = stream.durationSeconds / Math.max(1, stream.packets) + 0.001;
  if (declared.seconds !== undefined && stream.durationSeconds > declared.seconds + slack) {
    const s = (n: number) => `${Math.round(n * 1000) / 1000} s`;
    throw disagree(`its ${from.seconds} ${s(declared.seconds)}, its stream lasts ${s(stream.durationSeconds)}`);
  }
}
