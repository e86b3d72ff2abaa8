/**
 * @module The exact frame count and every frame's timestamp of one video stream, read cheaply: ffprobe lists the
 * stream's packets (demuxing only, nothing is decoded) — one packet is one frame in every container the runner
 * accepts — and stops one packet past the frame limit, so a 100000-frame upload costs a bounded read. The same
 * listing exposes a truncated file: ffprobe complains about a partial file, or finds fewer packets than the
 * container's index declares.
 */
import { VideoInputError, VideoProcessError } from "./errors.js";
import { captureFfmpeg } from "./ffmpeg-process.js";
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
}

const DISCARD_SLACK = 16;

/** ffprobe's messages (at `-v error`) for data that ends early or is cut inside a packet. */
const DAMAGE = /partial file|ended prematurely|truncat|Invalid NAL unit size|missing picture in access unit|corrupt/i;

/** ffprobe's most telling line about damaged data (a cut-off file first), without its `[demuxer @ 0x…]` prefix. */
function damageLine(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, "").trim());
  return lines.find((l) => /partial file|ended prematurely/i.test(l)) ?? lines.find((l) => DAMAGE.test(l));
}

/**
 * Lists the packets of stream `streamIndex` of `path` (at most `limit + 1` when `limit` is given) and returns their
 * timestamps. Packets ffmpeg marks as discarded (edit-list pre-roll, flag `D`) are not frames and are skipped.
 * Packets without a timestamp get one on the `frameRate` grid after the previous frame; equal timestamps are
 * nudged one tick apart (an mp4 cannot hold two frames at one instant).
 * @example const { timestamps } = await scanFrameIndex("ffprobe", "in.mp4", 0, { timeBase, frameRate, limit: 3600 })
 */
export async function scanFrameIndex(
  ffprobe: string,
  path: string,
  streamIndex: number,
  options: {
    timeBase: Rational;
    frameRate: Rational | undefined;
    limit?: number;
    signal?: AbortSignal;
    field?: string;
  },
): Promise<FrameIndex> {
  const args = ["-v", "error", "-select_streams", String(streamIndex)];
  // A few packets of slack past the limit, for discarded pre-roll packets that are listed but are not frames.
  const readCap = options.limit === undefined ? undefined : options.limit + 1 + DISCARD_SLACK;
  if (readCap !== undefined) args.push("-read_intervals", `%+#${readCap}`);
  args.push("-show_entries", "packet=pts,dts,duration,flags", "-of", "csv=p=0", path);
  const run = await captureFfmpeg(ffprobe, args, {
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: 120_000,
  });
  if (options.signal?.aborted) throw options.signal.reason;
  if (run.code !== 0) {
    const damage = damageLine(run.stderr);
    if (damage)
      throw new VideoInputError(
        "truncated",
        `${options.field ?? "video"} is damaged or cut short (${damage}); send the complete file`,
      );
    throw new VideoProcessError(
      "probe",
      `ffprobe could not list the frames of ${options.field ?? "video"} (exit ${run.code ?? run.signal})`,
      {
        exitCode: run.code,
        stderr: run.stderr,
        status: 400,
      },
    );
  }
  const { timeBase: tb, frameRate } = options;
  // One frame's duration in time-base units, for packets without a timestamp.
  const step = frameRate && frameRate.num > 0 ? (tb.den * frameRate.den) / (tb.num * frameRate.num) : 1;
  const list: number[] = [];
  let packets = 0;
  let lastDuration: number | undefined;
  for (const line of run.stdout.split("\n")) {
    // ffprobe prints the fields in its own order: pts, dts, duration, flags.
    const [pts, dts, duration, flags] = line.trim().split(",");
    if (pts === undefined || flags === undefined) continue;
    packets++;
    if (flags.includes("D")) continue;
    const d = Number(duration);
    if (d > 0) lastDuration = d;
    const raw = pts !== "N/A" ? pts : dts;
    list.push(raw === undefined || raw === "N/A" || raw === "" ? Number.NaN : Number(raw));
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
      (timestamps.length > options.limit || (readCap !== undefined && packets >= readCap)),
    damage: damageLine(run.stderr),
  };
}
