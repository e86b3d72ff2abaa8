/**
 * @module A runner's JSON answer taken apart at the byte level: its base64 `data:` URLs (nearly all of its bytes)
 * are cut out of the raw answer before the rest — a few dozen bytes of seeds and flags — is parsed as JSON, so no
 * JS string of the whole answer or of its URLs is built. Each URL becomes a {@link DataUrl} that decodes its own
 * bytes when they are stored, or whose bytes are copied as they are into an orchestrator's answer (`data`
 * delivery). An orchestrator's answer has the same shape (`images` of `{url, seed, nsfw}`), so a broadcaster reads
 * one with inline outputs the same way.
 */

/** A `data:<type>[;…];base64,<payload>` URL still inside the answer's bytes. */
export class DataUrl {
  /** The media type, lower case (e.g. `image/png`). */
  readonly mediaType: string;
  readonly #answer: Buffer;
  readonly #start: number;
  readonly #payload: number;
  readonly #end: number;

  constructor(answer: Buffer, start: number, payload: number, end: number, mediaType: string) {
    this.#answer = answer;
    this.#start = start;
    this.#payload = payload;
    this.#end = end;
    this.mediaType = mediaType;
  }

  /** The decoded bytes. */
  bytes(): Buffer {
    return Buffer.from(this.#answer.toString("latin1", this.#payload, this.#end), "base64");
  }

  /** The first `n` decoded bytes (fewer when there are fewer), decoding only the base64 they need. */
  head(n: number): Buffer {
    const end = Math.min(this.#end, this.#payload + Math.ceil(n / 3) * 4);
    return Buffer.from(this.#answer.toString("latin1", this.#payload, end), "base64").subarray(0, n);
  }

  /** The URL's bytes exactly as the runner sent them (a view into its answer, not a copy). */
  raw(): Buffer {
    return this.#answer.subarray(this.#start, this.#end);
  }

  /** The URL as text, exactly as the runner sent it. */
  toString(): string {
    return this.#answer.toString("latin1", this.#start, this.#end);
  }
}

/** A media entry of a runner's answer; `url` is a {@link DataUrl} when it was a base64 data URL. */
export interface RunnerMedia {
  url: string | DataUrl;
  seed: number;
  nsfw: boolean;
}

/** A runner's job answer. */
export interface RunnerAnswer {
  images?: RunnerMedia[];
  frames?: RunnerMedia[][];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = Buffer.from('"data:');
/** The header of a data URL: `data:` + type + optional parameters, ending in `;base64,`. */
const HEADER = /^data:([a-z]+\/[a-z0-9.+-]+)(?:;[^,]*)?;base64,$/i;
/** Longest header looked at (the specs' URLs have `data:image/png;base64,`). */
const MAX_HEADER = 256;
/** Marks a cut-out URL in the JSON left to parse (written escaped: `\u0000<n>`). */
const MARK = "\u0000";

/**
 * Parses a runner's JSON answer; base64 data URLs anywhere in it come back as {@link DataUrl}s (on `images` and
 * `frames` entries) without being copied into strings. Throws like `JSON.parse` for an answer that is not JSON.
 * @example const { images } = parseRunnerAnswer(bytes); images[0].url instanceof DataUrl // true
 */
export function parseRunnerAnswer(answer: Buffer): RunnerAnswer {
  const urls: DataUrl[] = [];
  const pieces: string[] = [];
  let from = 0;
  for (let at = answer.indexOf(OPEN); at !== -1; at = answer.indexOf(OPEN, at + 1)) {
    const start = at + 1;
    const end = answer.indexOf(QUOTE, start);
    if (end === -1) break;
    const comma = answer.indexOf(COMMA, start);
    if (comma === -1 || comma > end || comma - start > MAX_HEADER) continue;
    const header = HEADER.exec(answer.toString("latin1", start, comma + 1));
    // An escape inside the URL would change its text: leave such a URL to JSON.parse.
    const escaped = answer.indexOf(BACKSLASH, start);
    if (!header || (escaped !== -1 && escaped < end)) continue;
    pieces.push(answer.toString("utf8", from, start), `\\u0000${urls.length}`);
    urls.push(new DataUrl(answer, start, comma + 1, end, header[1]!.toLowerCase()));
    from = end;
    at = end;
  }
  if (urls.length === 0) return JSON.parse(answer.toString("utf8")) as RunnerAnswer;
  pieces.push(answer.toString("utf8", from));
  const parsed = JSON.parse(pieces.join("")) as RunnerAnswer;
  let restored = 0;
  const restore = (m: RunnerMedia) => {
    if (typeof m?.url !== "string" || !m.url.startsWith(MARK)) return;
    const url = urls[Number(m.url.slice(1))];
    if (url) {
      m.url = url;
      restored++;
    }
  };
  if (Array.isArray(parsed.images)) parsed.images.forEach(restore);
  if (Array.isArray(parsed.frames)) for (const video of parsed.frames) if (Array.isArray(video)) video.forEach(restore);
  // A data URL somewhere else (not a media entry's url): parse the answer as it is.
  return restored === urls.length ? parsed : (JSON.parse(answer.toString("utf8")) as RunnerAnswer);
}
