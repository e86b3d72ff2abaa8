/**
 * @module ffprobe's view of a file's container: its headers (format and streams) and what kind of file it is —
 * a video container the runner accepts, an image (which ffmpeg would decode as a one-frame video), or something
 * ffprobe cannot open, told apart as a cut-off MP4 or not a video at all.
 */
import { open } from "node:fs/promises";
import { VideoInputError, VideoProcessError } from "./errors.js";
import { captureFfmpeg } from "./ffmpeg-process.js";

/** Containers accepted, by ffmpeg's demuxer name (MP4/MOV, WebM/Matroska, AVI, MPEG-TS, MPEG-PS, FLV, Ogg). */
export const ACCEPTED_CONTAINERS: ReadonlySet<string> = new Set([
  "mov,mp4,m4a,3gp,3g2,mj2",
  "matroska,webm",
  "avi",
  "mpegts",
  "mpeg",
  "flv",
  "ogg",
]);

/** What to send instead, in every refusal. */
export const ACCEPTED_VIDEOS = "MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream";

/**
 * The kind of image an image demuxer reads (ffmpeg decodes images as one-frame videos, so they are refused by name),
 * or `undefined` for other demuxers.
 * @example imageKind("png_pipe") // "PNG"
 */
export function imageKind(format: string): string | undefined {
  const pipe = /^(\w+)_pipe$/.exec(format);
  if (pipe) return pipe[1]!.toUpperCase();
  if (format === "image2") return "image";
  if (format === "gif" || format === "apng" || format === "webp") return format.toUpperCase();
  return undefined;
}

/** The fields of one ffprobe stream entry that the probe reads. */
export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  nb_frames?: string;
  duration?: string;
  sample_aspect_ratio?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}

/** Whether the file starts with an ISO-BMFF box (`ftyp`, `moov`, `mdat`, …), as every MP4/MOV does. */
async function startsLikeMp4(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(8);
    await file.read(head, 0, 8, 0);
    return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"].includes(head.toString("latin1", 4, 8));
  } finally {
    await file.close();
  }
}

/**
 * Reads the container and stream headers with ffprobe; what it cannot open becomes a `truncated` (an MP4 without
 * its index) or `not_a_video` {@link VideoInputError}.
 * @example const { format, streams } = await readHeaders("ffprobe", "/tmp/upload", "video")
 */
export async function readHeaders(ffprobe: string, path: string, field: string, signal?: AbortSignal) {
  const run = await captureFfmpeg(
    ffprobe,
    ["-v", "error", "-of", "json", "-show_format", "-show_streams", path],
    signal ? { signal, timeoutMs: 60_000 } : { timeoutMs: 60_000 },
  );
  if (signal?.aborted) throw signal.reason;
  if (run.spawnError) {
    throw new VideoProcessError("probe", `cannot run ${ffprobe}: ${run.spawnError.message}`, { cause: run.spawnError });
  }
  if (run.code !== 0) {
    // ffmpeg also blames a missing index on any junk named *.mp4; only a file that starts like an MP4 was cut short.
    if (/moov atom not found/.test(run.stderr) && (await startsLikeMp4(path))) {
      throw new VideoInputError(
        "truncated",
        `${field} is an MP4/MOV file without its index (no moov box): the upload was cut short or the recording was not finished; send the complete file`,
      );
    }
    throw new VideoInputError(
      "not_a_video",
      `${field} is not a video ffmpeg can read (${run.stderr.split("\n").at(-1)?.replace(`${path}: `, "")}); send ${ACCEPTED_VIDEOS}`,
    );
  }
  return JSON.parse(run.stdout) as {
    format?: { format_name?: string; start_time?: string; duration?: string };
    streams?: ProbeStream[];
  };
}
