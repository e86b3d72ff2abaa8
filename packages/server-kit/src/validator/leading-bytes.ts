/**
 * @module Uploads refused by their first bytes (`keepMultipart.leadingBytes`): a file part whose first bytes show it
 * cannot be what its field takes (a field of images given a ZIP) is refused as soon as they have arrived — a few dozen
 * bytes into the part, or at its end when it is shorter — before the rest of the body is read. This file holds the
 * checks and which parts they apply to: only the first part of each checked field, and only when it is a file (a text
 * part or a repeat is the validator's 422). How a body read into memory is watched as it arrives is
 * leading-bytes-watch.ts; a streamed body's parts come from its parser (raw-multipart.ts).
 */
import type busboy from "busboy";
import type { HttpError } from "../http/errors.js";
import { UploadedPart } from "./uploaded-part.js";

/**
 * A check of a file field's first bytes.
 * @example const png: LeadingBytesCheck = { bytes: 8, check: (head, field) => (isPng(head) ? undefined : new HttpError(415, `${field} must be a PNG file`)) };
 */
export interface LeadingBytesCheck {
  /** Bytes the check looks at: it is given this many, or the whole part when that is shorter (an empty part too). */
  bytes: number;
  /**
   * The error to refuse the request with, or undefined to let the part through (it is then read as any other). `head`
   * is the part's first {@link bytes} bytes, or all of it; `field` the field's name.
   */
  check(head: Uint8Array, field: string): HttpError | undefined;
}

/** Checks by file field name. */
export type LeadingBytesChecks = Readonly<Record<string, LeadingBytesCheck>>;

/**
 * The options busboy is built with wherever it reads a request body (raw-multipart.ts, leading-bytes-watch.ts), so a
 * watch finds the parts the reader then gives.
 * @example const parser = busboy(parserOptions(c.req.header("content-type") ?? ""));
 */
export function parserOptions(contentType: string): busboy.BusboyConfig {
  return {
    headers: { "content-type": contentType },
    defParamCharset: "utf8",
    // Only the body's size limit bounds a field, as with the platform's FormData parser.
    limits: { fieldSize: Number.POSITIVE_INFINITY, fieldNameSize: Number.POSITIVE_INFINITY },
  };
}

/** The first bytes of one file part, checked once it has {@link LeadingBytesCheck.bytes} of them or has ended. */
export class HeadCollector {
  readonly #field: string;
  readonly #check: LeadingBytesCheck;
  readonly #refuse: (err: unknown) => void;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #decided = false;

  constructor(field: string, check: LeadingBytesCheck, refuse: (err: unknown) => void) {
    this.#field = field;
    this.#check = check;
    this.#refuse = refuse;
  }

  /** Bytes the check looks at. */
  get bytes(): number {
    return this.#check.bytes;
  }

  /** True once the check has run. */
  get decided(): boolean {
    return this.#decided;
  }

  /** The part's next bytes (ignored once the check has run). */
  push(chunk: Uint8Array): void {
    if (this.#decided) return;
    const wanted = chunk.subarray(0, this.#check.bytes - this.#size);
    this.#chunks.push(wanted);
    this.#size += wanted.length;
    if (this.#size >= this.#check.bytes) this.end();
  }

  /** The part has ended: the check runs on what it had, if it has not yet. */
  end(): void {
    if (this.#decided) return;
    this.#decided = true;
    const head = this.#chunks.length === 1 ? this.#chunks[0]! : new Uint8Array(Buffer.concat(this.#chunks));
    this.#chunks = [];
    let refusal: unknown;
    try {
      refusal = this.#check.check(head, this.#field);
    } catch (err) {
      refusal = err;
    }
    if (refusal) this.#refuse(refusal);
  }
}

/**
 * The parts of a body in order, told apart: {@link part} gives the collector of the first bytes of a part to check
 * (the first part of a checked field, when it is a file), and `refuse` hears the first refusal.
 * @example const parts = new PartChecks(checks, (err) => parser.destroy(err)); parser.on("file", (name, stream) => { const head = parts.part(name, true); … })
 */
export class PartChecks {
  readonly #checks: LeadingBytesChecks;
  readonly #refuse: (err: unknown) => void;
  readonly #seen = new Set<string>();
  #left: number;

  constructor(checks: LeadingBytesChecks, refuse: (err: unknown) => void) {
    this.#checks = checks;
    this.#left = Object.keys(checks).length;
    let refused = false;
    this.#refuse = (err) => {
      if (refused) return;
      refused = true;
      refuse(err);
    };
  }

  /** True once every checked field has had its first part. */
  get done(): boolean {
    return this.#left === 0;
  }

  /** The next part of the body: the collector of its first bytes when it is one to check, else undefined. */
  part(name: string, isFile: boolean): HeadCollector | undefined {
    if (!Object.hasOwn(this.#checks, name) || this.#seen.has(name)) return undefined;
    this.#seen.add(name);
    this.#left--;
    return isFile ? new HeadCollector(name, this.#checks[name]!, this.#refuse) : undefined;
  }
}

/**
 * Checks the parts of a body parsed whole in memory (one not watched as it arrived: it came all at once), in order, as
 * the watch would have: throws the refusal of the first checked part refused.
 * @example checkParts(entries, { image: pngCheck }) // throws the HttpError of a refused image
 */
export function checkParts(
  entries: Iterable<[string, string | File | UploadedPart]>,
  checks: LeadingBytesChecks,
): void {
  let refusal: unknown;
  const parts = new PartChecks(checks, (err) => {
    refusal = err;
  });
  for (const [name, value] of entries) {
    const head = parts.part(name, typeof value !== "string");
    if (head && value instanceof UploadedPart) {
      head.push(value.head(head.bytes));
      head.end();
    }
    if (refusal) throw refusal;
    if (parts.done) return;
  }
}
