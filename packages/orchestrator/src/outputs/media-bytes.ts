/**
 * @module A runner's data URL checked whole, not only in its first bytes: its base64 strictly (RFC 4648 §4: the
 * standard alphabet, padded to a multiple of 4, `=` only at the end — Node's decoder skips anything else without a
 * word, so the count of bytes it wrote is compared with what the text's length implies), and the end of the file
 * its bytes make (a PNG ends with its IEND chunk, PNG spec §5.6; an ISO base media file's top-level boxes add up to
 * its length, ISO/IEC 14496-12 §4.2). {@link decodeMedia} decodes once, in place, into the runner's answer itself;
 * {@link wholeMediaProblem} checks a URL whose text is passed on as it came, through a small scratch buffer.
 */
import { DataUrl } from "@ai-video-subnet/runner-client/node";

/** The media types whose end is checked. */
export type CheckedType = "image/png" | "video/mp4";

/** Base64 characters decoded per step: a multiple of 4, so each step decodes whole groups. */
const STEP = 64 * 1024;
const EQUALS = 0x3d;
/** The base64url characters Node's base64 decoder also takes (as `+` and `/`), which the standard alphabet lacks. */
const URL_SAFE = [0x2d, 0x5f];
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
/** A PNG's last 12 bytes: the IEND chunk (length 0, type, CRC). */
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Most top-level boxes walked in an mp4 (a fragmented one has two per fragment). */
const MAX_BOXES = 65_536;

/**
 * The decoded bytes of a data URL, after its whole base64 and its file's end were checked, or what is wrong (a
 * phrase to follow the entry's place, e.g. `images[0]`). A {@link DataUrl}'s text is overwritten by its bytes: the
 * result is a view into the runner's answer (decoding never overtakes the text it reads), so no copy is made.
 * @example const bytes = decodeMedia(url, "image/png"); if (typeof bytes === "string") throw new Error(`images[0]${bytes}`);
 */
export function decodeMedia(url: DataUrl | string, type: CheckedType): Buffer | string {
  const text = base64Text(url);
  const why = textProblem(url, text);
  if (why) return why;
  const written = decodeSteps(text, text);
  if (written !== impliedSize(text)) return CORRUPT;
  const bytes = text.subarray(0, written);
  return endProblem(type, written, (at, n) => bytes.subarray(at, at + n)) ?? bytes;
}

/**
 * What is wrong with a data URL's whole payload (as {@link decodeMedia} says it), or undefined; its text is left as
 * it came. Every byte is decoded once, into a scratch buffer; only the ones the file's end needs are kept.
 * @example wholeMediaProblem("data:image/png;base64,iVBORw0KGgo=", "image/png") // " is a truncated PNG: …"
 */
export function wholeMediaProblem(url: DataUrl | string, type: CheckedType): string | undefined {
  const text = base64Text(url);
  const why = textProblem(url, text);
  if (why) return why;
  const size = impliedSize(text);
  if (decodeSteps(text, SCRATCH) !== size) return CORRUPT;
  return endProblem(type, size, (at, n) => decodeAt(text, at, n));
}

/** Where {@link wholeMediaProblem} decodes each step (one step's bytes; the checks are synchronous). */
const SCRATCH = Buffer.allocUnsafe((STEP / 4) * 3);
const CORRUPT =
  " is not valid base64: it holds a character outside A–Z, a–z, 0–9, + and /, or = before its end " +
  "(only standard base64 is allowed, with = as padding at the end only)";

/** The URL's base64 text: a view into the runner's answer, or the bytes of a string URL's text. */
function base64Text(url: DataUrl | string): Buffer {
  if (url instanceof DataUrl) {
    const raw = url.raw();
    return raw.subarray(raw.indexOf(0x2c) + 1);
  }
  return Buffer.from(url.slice(url.indexOf(",") + 1), "latin1");
}

/** What is wrong with the text before it is decoded: its length, or (as Node's decoder takes them) base64url. */
function textProblem(url: DataUrl | string, text: Buffer): string | undefined {
  if (text.length % 4 !== 0) {
    return ` is not valid base64: its length (${text.length} characters) is not a multiple of 4, as padded base64's is (it is cut short or its padding is wrong)`;
  }
  if (typeof url === "string") {
    // A string's text may hold characters beyond latin1, which its bytes above would not show.
    return BASE64_TEXT.test(url.slice(url.indexOf(",") + 1)) ? undefined : CORRUPT;
  }
  return URL_SAFE.some((c) => text.indexOf(c) !== -1) ? CORRUPT : undefined;
}

/** Bytes of base64 `text`'s decoding, when it is whole padded base64 of a length that is a multiple of 4. */
function impliedSize(text: Buffer): number {
  const n = text.length;
  const pad = n === 0 ? 0 : text[n - 1] !== EQUALS ? 0 : text[n - 2] === EQUALS ? 2 : 1;
  return (n / 4) * 3 - pad;
}

/**
 * Decodes `text` step by step into `into` — the text itself (in place), or a scratch buffer each step overwrites —
 * and returns the bytes written; -1 as soon as a step decodes short (a character Node skipped, or `=` early).
 */
function decodeSteps(text: Buffer, into: Buffer): number {
  const inPlace = into === text;
  let written = 0;
  for (let at = 0; at < text.length; at += STEP) {
    const end = Math.min(at + STEP, text.length);
    const n = into.write(text.toString("latin1", at, end), inPlace ? written : 0, "base64");
    written += n;
    if (end < text.length && n !== (STEP / 4) * 3) return -1;
  }
  return written;
}

/** `n` decoded bytes from byte `at` of base64 `text`, decoding only the groups that hold them. */
function decodeAt(text: Buffer, at: number, n: number): Buffer {
  const from = Math.floor(at / 3) * 4;
  const skip = at % 3;
  const to = Math.min(text.length, from + Math.ceil((skip + n) / 3) * 4);
  return Buffer.from(text.toString("latin1", from, to), "base64").subarray(skip, skip + n);
}

/** What is wrong with the end of a file of `size` bytes that `read(at, n)` reads, or undefined. */
function endProblem(type: CheckedType, size: number, read: (at: number, n: number) => Buffer): string | undefined {
  if (type === "image/png") {
    if (size >= IEND.length && read(size - IEND.length, IEND.length).equals(IEND)) return undefined;
    return " is a truncated PNG: it does not end with the IEND chunk every whole PNG ends with";
  }
  let at = 0;
  for (let boxes = 0; at < size; boxes++) {
    if (boxes === MAX_BOXES)
      return ` is not an mp4 this orchestrator passes on: it has over ${MAX_BOXES} top-level boxes`;
    if (at + 8 > size) break;
    const head = read(at, 16);
    const small = head.readUInt32BE(0);
    // Size 1: a 64-bit size follows the type; size 0: the box runs to the end of the file.
    const box = small === 1 && head.length === 16 ? head.readUInt32BE(8) * 2 ** 32 + head.readUInt32BE(12) : small;
    if (small === 0) at = size;
    else if (box < (small === 1 ? 16 : 8)) break;
    else at += box;
  }
  if (at === size) return undefined;
  return ` is a truncated mp4: its top-level boxes do not add up to its ${size} bytes (a whole mp4's boxes end exactly at its end)`;
}
