/**
 * @module ffprobe's view of a file's container: its headers (format and streams) and what kind of file it is —
 * a video container the runner accepts, an image (which ffmpeg would decode as a one-frame video), or something
 * ffprobe cannot open, told apart as a cut-off MP4 or not a video at all.
 */
import { open, stat } from "node:fs/promises";
import {
  AVI_CONTAINER,
  FLV_CONTAINER,
  MATROSKA_CONTAINER,
  MP4_CONTAINER,
  MPEG_PS_CONTAINER,
  MPEG_TS_CONTAINER,
  OGG_CONTAINER,
  type VideoContainer,
} from "@ai-video-subnet/server-kit";
import { containerCut } from "./cut-short.js";
import { VideoInputError, VideoProcessError } from "./errors.js";
import { captureFfmpeg } from "./ffmpeg-process.js";
import { ffmpegLines } from "./ffmpeg-reason.js";

/** ffmpeg's demuxer of MP4, MOV and the other ISO-BMFF files. */
export const MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2";

/**
 * The containers accepted, by ffmpeg's demuxer name, each with the container the gateways must recognise such a file
 * as from its first bytes (server-kit's `videoContainer`), since they count its work from that container's figures.
 * ffmpeg finds some containers past bytes that are not theirs — an MPEG-PS or an MP4 after a few bytes of anything, a
 * TS after more than a packet's worth — where the gateways measure nothing and would price the job as one 512×512
 * frame (`header-agreement.ts` refuses such a file).
 */
export const GATEWAY_CONTAINERS: Readonly<Record<string, VideoContainer>> = {
  [MP4_DEMUXER]: MP4_CONTAINER,
  "matroska,webm": MATROSKA_CONTAINER,
  avi: AVI_CONTAINER,
  mpegts: MPEG_TS_CONTAINER,
  mpeg: MPEG_PS_CONTAINER,
  flv: FLV_CONTAINER,
  ogg: OGG_CONTAINER,
};

/** Containers accepted, by ffmpeg's demuxer name (MP4/MOV, WebM/Matroska, AVI, MPEG-TS, MPEG-PS, FLV, Ogg). */
export const ACCEPTED_CONTAINERS: ReadonlySet<string> = new Set(Object.keys(GATEWAY_CONTAINERS));

/**
 * Input options for every ffmpeg and ffprobe run that opens an upload: only the accepted containers' demuxers, and
 * only local files. ffmpeg picks a demuxer from the bytes, and some read other files or URLs the upload names while
 * opening it (an HLS playlist its segments, an `ffconcat` list its entries): without these options a probe of such an
 * upload would open them, on the runner's host, before the container check below could refuse it.
 */
export const UPLOAD_INPUT_OPTIONS: readonly string[] = [
  "-protocol_whitelist",
  "file",
  "-format_whitelist",
  [...ACCEPTED_CONTAINERS].join(","),
];

/** ffprobe's line for a file whose demuxer {@link UPLOAD_INPUT_OPTIONS} leaves out; group 1 names the demuxer. */
const NOT_ON_WHITELIST = /\[(\w+) @ 0x[0-9a-f]+\] Format not on whitelist/;

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
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  color_range?: string;
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

/** `ftyp` brands of HEIF and AVIF still images, which are ISO-BMFF files too but hold no video track. */
const IMAGE_BRANDS = new Set(["mif1", "msf1", "heic", "heix", "heim", "heis", "hevc", "hevx", "avif", "avis"]);

/**
 * How the file starts: `mp4` with an ISO-BMFF box (`ftyp`, `moov`, `mdat`, …) as every MP4/MOV does, `image` when
 * its `ftyp` names a HEIF/AVIF image brand, else `other`.
 */
async function isoStart(path: string): Promise<"mp4" | "image" | "other"> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    const box = head.toString("latin1", 4, 8);
    if (box === "ftyp" && IMAGE_BRANDS.has(head.toString("latin1", 8, 12))) return "image";
    return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"].includes(box) ? "mp4" : "other";
  } finally {
    await file.close();
  }
}

/**
 * Where an ISO-BMFF file (MP4/MOV) was cut: the first top-level box whose declared size runs past the file's end, as
 * `its moov box runs to byte 3652 of a 2950-byte file`, or `undefined` when every box fits. ffprobe reads an index
 * (`moov`) cut inside its track as a file with no stream, a `data` stream or a video stream of no codec and no
 * packets, and exits 0: this tells such a file from one that really holds no video.
 * @example await isoCut("/tmp/upload", 2950) // "its moov box runs to byte 3652 of a 2950-byte file"
 */
export async function isoCut(path: string, bytes: number): Promise<string | undefined> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(16);
    // A file has few top-level boxes (ftyp, free, mdat, moov, …): the walk ends within a handful of reads.
    for (let at = 0, boxes = 0; at + 8 <= bytes && boxes < 1000; boxes++) {
      const { bytesRead } = await file.read(head, 0, 16, at);
      if (bytesRead < 8) return undefined;
      const type = head.toString("latin1", 4, 8);
      if (!/^[\x20-\x7e]{4}$/.test(type)) return undefined;
      const small = head.readUInt32BE(0);
      // Size 1: a 64-bit size follows the type; size 0: the box runs to the end of the file.
      const size = small === 1 ? (bytesRead < 16 ? Number.NaN : Number(head.readBigUInt64BE(8))) : small;
      if (small === 0) return undefined;
      if (!(size >= 8)) return undefined;
      if (at + size > bytes) return `its ${type.trim()} box runs to byte ${at + size} of a ${bytes}-byte file`;
      at += size;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/** What ffprobe's JSON says about a file: its container, streams and (when listed) packets. */
export interface ProbeOutput {
  format?: { format_name?: string; start_time?: string; duration?: string; nb_streams?: number };
  streams?: ProbeStream[];
  /** The listed packets of the selected stream: ffprobe leaves out a timestamp it does not have. */
  packets?: ProbePacket[];
}

/** The fields of one listed packet. */
export interface ProbePacket {
  pts?: number;
  dts?: number;
  duration?: number;
  flags?: string;
}

/** An ffprobe run of `readProbe`: its parsed output and the tail of its stderr (where damage is reported). */
export interface ProbeRun {
  output: ProbeOutput;
  stderr: string;
  /** ffprobe's exit status (it opened the file when `output.format` is there). */
  code: number | null;
}

/**
 * Runs ffprobe with JSON output, {@link UPLOAD_INPUT_OPTIONS} and `args` before the file; a file ffprobe cannot open
 * becomes a `truncated` (an MP4 without its index) or `not_a_video` {@link VideoInputError}. A file in a container
 * the runner does not accept is not opened: the run comes back with the demuxer ffmpeg detected as its
 * `format.format_name` and nothing else, for the caller to name. A run that opened the file and failed later is
 * returned with its exit status, for the caller to judge.
 * @example const { output } = await readProbe("ffprobe", "/tmp/upload", "video", ["-show_format", "-show_streams"])
 */
export async function readProbe(
  ffprobe: string,
  path: string,
  field: string,
  args: string[],
  signal?: AbortSignal,
): Promise<ProbeRun> {
  const run = await captureFfmpeg(
    ffprobe,
    ["-v", "error", "-of", "json=c=1", ...UPLOAD_INPUT_OPTIONS, ...args, path],
    signal ? { signal, timeoutMs: 120_000 } : { timeoutMs: 120_000 },
  );
  if (signal?.aborted) throw signal.reason;
  if (run.spawnError) {
    throw new VideoProcessError("probe", `cannot run ${ffprobe}: ${run.spawnError.message}`, { cause: run.spawnError });
  }
  let output: ProbeOutput = {};
  try {
    output = JSON.parse(run.stdout) as ProbeOutput;
  } catch {
    // A run killed part-way (timeout, runaway output) leaves cut JSON: judged as a file ffprobe could not open.
  }
  const refused = run.code !== 0 && !output.format ? NOT_ON_WHITELIST.exec(run.stderr)?.[1] : undefined;
  if (refused) return { output: { format: { format_name: refused } }, stderr: run.stderr, code: run.code };
  if (run.code !== 0 && !output.format) {
    // ffprobe's last line (`<file>: Invalid data found when processing input`), cleaned for the client.
    const reason = ffmpegLines(run.stderr, { paths: [path], field }).at(-1)?.text ?? `ffprobe exit ${run.code}`;
    const { stderr } = run;
    // ffmpeg also blames a missing index on any junk named *.mp4; only a file that starts like an MP4 was cut short
    // or damaged (an index cut inside reads as "End of file", a broken one as "Invalid data").
    const start = await isoStart(path);
    if (start === "image") {
      throw new VideoInputError(
        "not_a_video",
        `${field} is a HEIF/AVIF still image, not a video; send ${ACCEPTED_VIDEOS}`,
        { stderr },
      );
    }
    if (start === "mp4") {
      throw new VideoInputError(
        "truncated",
        /moov atom not found/.test(run.stderr)
          ? `${field} is an MP4/MOV file without its index (no moov box): the upload was cut short or the recording was not finished; send the complete file`
          : `${field} is an MP4/MOV file whose headers ffmpeg cannot read (${reason}): it is damaged or cut short; send the complete file`,
        { stderr },
      );
    }
    // A Matroska, FLV or Ogg file cut inside its headers is not opened either: its own sizes tell it from junk.
    const cut = await containerCut(path, (await stat(path)).size);
    if (cut) {
      throw new VideoInputError("truncated", `${field} is cut short (${cut}); send the complete file`, { stderr });
    }
    throw new VideoInputError(
      "not_a_video",
      `${field} is not a video ffmpeg can read (${reason}); send ${ACCEPTED_VIDEOS}`,
      { stderr },
    );
  }
  return { output, stderr: run.stderr, code: run.code };
}

/**
 * Reads the container and every stream's headers with ffprobe (errors as {@link readProbe}).
 * @example const { format, streams } = await readHeaders("ffprobe", "/tmp/upload", "video")
 */
export async function readHeaders(ffprobe: string, path: string, field: string, signal?: AbortSignal) {
  return (await readProbe(ffprobe, path, field, ["-show_format", "-show_streams"], signal)).output;
}
