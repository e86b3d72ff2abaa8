/**
 * @module ffmpeg's stderr made fit for a client's message: one short line of its reason, without what belongs to this
 * machine or to this ffmpeg build — `[h264 @ 0x55d…]` prefixes, local paths (the upload's scratch file), pointers,
 * repeat counters and banner lines — bounded in length. The whole tail stays on the error (`stderr`), for the log.
 */

/** The longest reason quoted to a client, in characters (a longer one is cut and ends in `…`). */
export const REASON_MAX_CHARS = 160;

/** The component prefix ffmpeg puts before a library's message: `[h264 @ 0x55d0c1a2b3c0] `. */
const COMPONENT = /^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i;

/** Top-level lines that say nothing about the file (indented lines — banner, metadata, repeats — are dropped too). */
const NOISE =
  /^(?:Last message repeated|Conversion failed|Press \[q\]|ffmpeg version|ffprobe version|Input #|Output #|Stream mapping)/i;

/** ffmpeg's own summary lines, less telling than the library line before them: a reason only when there is no other. */
const GENERIC = /^(?:Error while (?:decoding|processing)|Error marking filters|Cannot determine format|Error opening)/i;

/** An absolute path of this machine: starts a word with `/` and has at least two segments (`/tmp/avs-…/upload`). */
const ABSOLUTE_PATH = /(?<![\w./])\/[^\s/'"(),;:]+(?:\/[^\s/'"(),;:]+)+\/?/g;

/** A memory address (12 or more hex digits on 64-bit machines; file offsets of an upload have at most 8). */
const POINTER = /\b0x[0-9a-f]{9,}\b/gi;

/** Control characters (newlines included), which a one-line message must not hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** One line of ffmpeg's stderr, cleaned. */
export interface FfmpegLine {
  /** The message, with no prefix, path, pointer or control character, at most {@link REASON_MAX_CHARS} long. */
  text: string;
  /** It came from a library (a decoder, a demuxer: it had a `[name @ 0x…]` prefix), not from ffmpeg's own summary. */
  component: boolean;
}

/** Where a cleaned line names a file: `paths` (e.g. the upload's scratch file) by `field`, others by `a file`. */
export interface CleanOptions {
  /** Paths the stderr may name, said as `field` (the longest first, so a file inside a named folder is found first). */
  paths?: readonly string[];
  /** The upload's name in messages; default `video`. */
  field?: string;
}

/**
 * One line of ffmpeg's stderr fit for a client: its component prefix and a leading `path: ` (ffmpeg's `file: error`
 * form) dropped, `options.paths` named `field` and any other absolute path `a file`, pointers as `0x…`, no control
 * characters, spaces collapsed, cut to {@link REASON_MAX_CHARS}.
 * @example cleanFfmpegLine("[h264 @ 0x55d0c1a2b3c0] /tmp/avs-x/upload: Invalid NAL unit size") // "Invalid NAL unit size"
 */
export function cleanFfmpegLine(line: string, options: CleanOptions = {}): string {
  const field = options.field ?? "video";
  let text = line.replace(COMPONENT, "").replace(CONTROL, " ");
  for (const path of [...(options.paths ?? [])].sort((a, b) => b.length - a.length)) {
    if (!path) continue;
    if (text.startsWith(`${path}: `)) text = text.slice(path.length + 2);
    text = text.split(path).join(field);
  }
  text = text
    .replace(/^\/\S*: /, "")
    .replace(ABSOLUTE_PATH, "a file")
    .replace(POINTER, "0x…")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > REASON_MAX_CHARS ? `${text.slice(0, REASON_MAX_CHARS - 1).trimEnd()}…` : text;
}

/**
 * The lines of ffmpeg's stderr that may explain a failure, cleaned ({@link cleanFfmpegLine}), in order: empty,
 * indented (banner, metadata, `Last message repeated`) and other noise lines left out.
 * @example ffmpegLines("[png @ 0x55c1] inflate returned error -3\n    Last message repeated 1 times") // [{ text: "inflate returned error -3", component: true }]
 */
export function ffmpegLines(stderr: string, options: CleanOptions = {}): FfmpegLine[] {
  const lines: FfmpegLine[] = [];
  for (const raw of stderr.split(/\r\n|\r|\n/)) {
    if (!raw.trim() || /^\s/.test(raw)) continue;
    const component = COMPONENT.test(raw);
    const text = cleanFfmpegLine(raw, options);
    if (text && !NOISE.test(text)) lines.push({ text, component });
  }
  return lines;
}

/**
 * ffmpeg's reason for a failure in one clean line: the first complaint of a library (the decoder's or the
 * demuxer's own words), else the last line that is not one of ffmpeg's generic summaries, else the last line;
 * `undefined` when stderr holds none.
 * @example ffmpegReason("[png @ 0x55c1…] inflate returned error -3\nError while decoding stream #0:0: Generic error") // "inflate returned error -3"
 */
export function ffmpegReason(stderr: string, options: CleanOptions = {}): string | undefined {
  const lines = ffmpegLines(stderr, options);
  const specific = lines.filter((l) => !GENERIC.test(l.text));
  return (specific.find((l) => l.component) ?? specific.at(-1) ?? lines.at(-1))?.text;
}
