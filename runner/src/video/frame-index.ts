/**
 * @module The exact frame count and every frame's timestamp of one video stream, read cheaply: ffprobe lists the
 * stream's packets (demuxing only, nothing is decoded; in the same run that reads the headers, see `probe.ts`) — one packet is one frame in every container the runner
 * accepts — and stops one packet past the frame limit, so a 100000-frame upload costs a bounded read. The same
 * listing exposes a truncated file: ffprobe complains about a partial file, or finds fewer packets than the
 * container's index declares.
 */

import { ACCEPTED_VIDEOS, type ProbePacket } from "./container.js";
import { VideoInputError, VideoProcessError } from "./errors.js";
import { ffmpegLines } from "./ffmpeg-reason.js";
import type { Rational } from "./rational.js";

/** What the packet listing found. */
export interface FrameIndex {
  /** Presentation timestamps of the frames in time-base units, ascending, strictly increasing. */
  timestamps: Float64Array;
  /** The duration of the last listed packet in time-base units, when the container records it. */
  lastDuration: number | undefined;
  /** Counting stopped at `limit + 1` packets: the stream has more frames than the limit. */
  capped: boolean;
  /** Why the data looks cut short (ffprobe's own words), if it does. */
  damage: string | undefined;
  /**
   * Packets listed but not presented (flag `D`: an edit list's pre-roll, e.g. an mp4 cut with stream copy): a
   * container's frame count includes them.
   */
  discarded: number;
}

const DISCARD_SLACK = 16;

/** ffprobe's messages (at `-v error`) for data that ends early or is cut inside a packet. */
const DAMAGE = /partial file|ended prematurely|truncat|Invalid NAL unit size|missing picture in access unit|corrupt/i;

/**
 * ffprobe's most telling line about damaged data (a cut-off file first), cleaned for a client's message (no
 * `[demuxer @ 0x…]` prefix, no path, one bounded line: see `ffmpeg-reason.ts`).
 */
function damageLine(stderr: string, field: string): string | undefined {
  const lines = ffmpegLines(stderr, { field }).map((l) => l.text);
  return lines.find((l) => /partial file|ended prematurely/i.test(l)) ?? lines.find((l) => DAMAGE.test(l));
}

/**
 * The `ffprobe` arguments that list the packets of the selected stream (`-select_streams`), at most `limit + 1`
 * frames' worth when `limit` is given (a few packets of slack for discarded pre-roll packets, which are listed but
 * are not frames).
 * @example packetArgs(3600) // ["-read_intervals", "%+#3617", "-show_entries", "packet=pts,dts,duration,flags"]
 */
export function packetArgs(limit?: number): string[] {
  const readCap = limit === undefined ? undefined : limit + 1 + DISCARD_SLACK;
  return [
    ...(readCap !== undefined ? ["-read_intervals", `%+#${readCap}`] : []),
    ...["-show_entries", "packet=pts,dts,duration,flags"],
  ];
}

/**
 * The frame index of a stream from its listed packets (from a run with {@link packetArgs}) and ffprobe's stderr.
 * Packets ffmpeg marks as discarded (edit-list pre-roll, flag `D`) are not frames and are skipped. Packets without
 * a timestamp get one on the `frameRate` grid after the previous frame; equal timestamps are nudged one tick apart
 * (an mp4 cannot hold two frames at one instant). A run that failed after opening the file is a `truncated`
 * {@link VideoInputError} when ffprobe names damage, else a {@link VideoProcessError}.
 * @example const { timestamps } = frameIndexOf(run.output.packets ?? [], run, { timeBase, frameRate, limit: 3600 })
 */
export function frameIndexOf(
  packets: readonly ProbePacket[],
  run: { stderr: string; code: number | null },
  options: {
    timeBase: Rational;
    frameRate: Rational | undefined;
    limit?: number;
    field?: string;
  },
): FrameIndex {
  const field = options.field ?? "video";
  if (run.code !== 0) {
    const damage = damageLine(run.stderr, field);
    if (damage)
      throw new VideoInputError("truncated", `${field} is damaged or cut short (${damage}); send the complete file`, {
        stderr: run.stderr,
      });
    throw new VideoProcessError(
      "probe",
      `${field} is damaged: ffprobe could not list its frames; send the complete, undamaged file (${ACCEPTED_VIDEOS})`,
      { exitCode: run.code, stderr: run.stderr, status: 400, clean: { field } },
    );
  }
  const readCap = options.limit === undefined ? undefined : options.limit + 1 + DISCARD_SLACK;
  const { timeBase: tb, frameRate } = options;
  // One frame's duration in time-base units, for packets without a timestamp.
  const step = frameRate && frameRate.num > 0 ? (tb.den * frameRate.den) / (tb.num * frameRate.num) : 1;
  const list: number[] = [];
  let lastDuration: number | undefined;
  let discarded = 0;
  for (const { pts, dts, duration, flags = "" } of packets) {
    if (flags.includes("D")) {
      discarded++;
      continue;
    }
    if (duration !== undefined && duration > 0) lastDuration = duration;
    list.push(pts ?? dts ?? Number.NaN);
  }
  for (let i = 0; i < list.length; i++) {
    if (Number.isNaN(list[i])) list[i] = i === 0 ? 0 : list[i - 1]! + step;
  }
  const timestamps = Float64Array.from(list).sort();
  for (let i = 1; i < timestamps.length; i++) {
    if (timestamps[i]! <= timestamps[i - 1]!) timestamps[i] = timestamps[i - 1]! + 1;
  }
  return {
    timestamps,
    lastDuration,
    capped:
      options.limit !== undefined &&
      (timestamps.length > options.limit || (readCap !== undefined && packets.length >= readCap)),
    damage: damageLine(run.stderr, field),
    discarded,
  };
}
