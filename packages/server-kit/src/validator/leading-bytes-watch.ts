/**
 * @module A multipart body read into memory, watched as it arrives for the leading-bytes checks (leading-bytes.ts).
 * Parts are found as busboy finds them: in a body of plain parts with native `Buffer#indexOf` and the plain-part rules
 * of simple-multipart.ts (no parser built, nothing copied but the bytes looked at); from the first part that is not
 * plain, or in a body whose Content-Type is not, by a busboy parser fed the rest of the body as it arrives. The watch
 * ends once every checked field has had its part.
 */
import type { Readable } from "node:stream";
import busboy from "busboy";
import { type BodyWatch, Chunked } from "./chunked-body.js";
import { type HeadCollector, type LeadingBytesChecks, PartChecks, parserOptions } from "./leading-bytes.js";
import { HEADERS_END, isFilePart, MAX_HEADERS, plainBoundary, plainPartHeaders } from "./simple-multipart.js";

/**
 * Feeds the first bytes of a busboy file part to `head` (when it is one to check) and drains the rest.
 * @example parser.on("file", (name, stream) => watchFile(stream, parts.part(name, true)))
 */
function watchFile(stream: Readable, head: HeadCollector | undefined): void {
  if (head) {
    stream.on("data", (chunk: Buffer) => head.push(chunk));
    stream.on("end", () => head.end());
  } else stream.resume();
}

type Phase = "open" | "seek" | "after" | "headers" | "content";

/**
 * Watches a multipart body as it is read into memory (its {@link see} is `readWhole`'s watch) and stops the read with
 * the first refusal of a check; {@link refusal} keeps it.
 * @example const watch = new LeadingBytesWatch(contentType, checks); const chunks = await readWhole(bodyStream(c), undefined, watch.see);
 */
export class LeadingBytesWatch {
  /** The error the read was stopped with, if it was. */
  refusal: unknown;
  readonly #contentType: string;
  readonly #parts: PartChecks;
  /** `\r\n--boundary` of a plain Content-Type; undefined when busboy reads the body from the start. */
  readonly #delimiter: Buffer | undefined;
  #whole = new Chunked([]);
  #stop: ((err: unknown) => void) | undefined;
  #parser: busboy.Busboy | undefined;
  readonly #pending = new Set<HeadCollector>();
  #done = false;
  #phase: Phase = "open";
  /** The delimiter before the part being read (-2: the body opens with the boundary). */
  #at = 0;
  /** Where the next search starts. */
  #from = 0;
  #head: HeadCollector | undefined;

  constructor(contentType: string, checks: LeadingBytesChecks) {
    this.#contentType = contentType;
    this.#parts = new PartChecks(checks, (err) => {
      this.refusal = err;
      this.#end();
      this.#stop?.(err);
    });
    const boundary = plainBoundary(contentType);
    this.#delimiter = boundary === undefined ? undefined : Buffer.from(`\r\n--${boundary}`);
  }

  /** The watch of `readWhole`: sees each chunk of the body as it arrives. */
  readonly see: BodyWatch = (chunk, stop) => {
    if (this.#done) return;
    this.#stop = stop;
    if (this.#parser) this.#parser.write(chunk);
    else {
      this.#whole.push(chunk);
      if (this.#delimiter) this.#advance(this.#delimiter);
      else this.#toParser(0);
    }
    if (this.#parser && this.#parts.done && [...this.#pending].every((h) => h.decided)) this.#end();
  };

  /** Reads parts of the plain kind as far as the bytes so far allow. */
  #advance(d: Buffer): void {
    while (!this.#done && !this.#parser && this.#step(d));
  }

  /** One step of {@link advance}; false when it needs more bytes (or handed the body to busboy, or ended). */
  #step(d: Buffer): boolean {
    const w = this.#whole;
    switch (this.#phase) {
      case "open": {
        if (w.length < d.length - 2) return false;
        const opens = w.bytes(0, d.length - 2).equals(d.subarray(2));
        this.#at = opens ? -2 : 0;
        this.#phase = opens ? "after" : "seek";
        return true;
      }
      case "seek": {
        const at = w.indexOf(d, this.#from);
        if (at === -1) {
          this.#from = Math.max(this.#from, w.length - d.length + 1);
          return false;
        }
        this.#at = at;
        this.#phase = "after";
        return true;
      }
      case "after": {
        const after = this.#at + d.length;
        if (w.length < after + 2) return false;
        const [a, b] = [w.byteAt(after), w.byteAt(after + 1)];
        // The closing delimiter: no part after it.
        if (a === 0x2d && b === 0x2d) return this.#end();
        if (a !== 0x0d || b !== 0x0a) return this.#toParser(this.#at + 2);
        this.#from = after;
        this.#phase = "headers";
        return true;
      }
      case "headers":
        return this.#readHeaders(d);
      case "content":
        return this.#readHead(d);
    }
  }

  /** The part's header block, once it and the bytes that show no delimiter starts in it are there. */
  #readHeaders(d: Buffer): boolean {
    const w = this.#whole;
    const after = this.#at + d.length;
    const end = w.indexOf(HEADERS_END, this.#from);
    if (end === -1) {
      if (w.length - after > MAX_HEADERS + 4) this.#toParser(this.#at + 2);
      else this.#from = Math.max(after, w.length - 3);
      return false;
    }
    if (end === after || end - after > MAX_HEADERS) return this.#toParser(this.#at + 2);
    if (w.length < end + 3 + d.length) return false;
    // As simple-multipart.ts's multipartSpans: a delimiter that starts before the content is busboy's to read.
    const next = w.bytes(after, end + 3 + d.length).indexOf(d);
    const part =
      next !== -1 && after + next < end + 4 ? undefined : plainPartHeaders(w.bytes(after + 2, end).toString("latin1"));
    if (!part) return this.#toParser(this.#at + 2);
    this.#head = this.#parts.part(part.name, isFilePart(part));
    this.#from = end + 4;
    this.#phase = this.#head ? "content" : "seek";
    return this.#head || !this.#parts.done ? true : this.#end();
  }

  /** The first bytes of a part to check, once they (or its end) are there. */
  #readHead(d: Buffer): boolean {
    const w = this.#whole;
    const head = this.#head!;
    const content = this.#from;
    const window = Math.min(w.length, content + head.bytes + d.length - 1);
    const bytes = w.bytes(content, window);
    const next = bytes.indexOf(d);
    if (next === -1 && window < content + head.bytes + d.length - 1) return false;
    head.push(next === -1 ? bytes : bytes.subarray(0, next));
    head.end();
    this.#head = undefined;
    if (next === -1) {
      this.#from = content + head.bytes;
      this.#phase = "seek";
    } else {
      this.#at = content + next;
      this.#phase = "after";
    }
    return this.#parts.done ? this.#end() : true;
  }

  /** From the delimiter at `from` on, busboy reads the body: the rest so far now, what comes later as it comes. */
  #toParser(from: number): false {
    let parser: busboy.Busboy;
    try {
      parser = busboy(parserOptions(this.#contentType));
    } catch {
      return this.#end();
    }
    // A body busboy cannot read is not refused here: the validator's own reading says what is wrong with it.
    parser.on("error", () => this.#end());
    parser.on("field", (name) => this.#parts.part(name, false));
    parser.on("file", (name, stream: Readable) => {
      const head = this.#parts.part(name, true);
      if (head) this.#pending.add(head);
      watchFile(stream, head);
    });
    this.#parser = parser;
    for (const chunk of this.#whole.slice(from, this.#whole.length)) parser.write(chunk);
    this.#whole = new Chunked([]);
    return false;
  }

  /**
   * Settles once every check the body read so far calls for has run: busboy, when it reads the body, gives a part's
   * bytes a little after the chunk that holds them, so it is made to finish the body first. Call it when the whole
   * body has been seen.
   * @example await readWhole(source, undefined, watch.see); await watch.settled(); if (watch.refusal) throw watch.refusal;
   */
  async settled(): Promise<void> {
    const parser = this.#parser;
    if (this.#done || !parser) return;
    // busboy finishes once its file parts have ended, each check with them.
    await new Promise<void>((resolve) => {
      parser.once("finish", resolve);
      parser.once("error", () => resolve());
      parser.end();
    });
  }

  /** Nothing more to watch: the chunks and the parser are let go. */
  #end(): false {
    this.#done = true;
    this.#whole = new Chunked([]);
    this.#parser = undefined;
    return false;
  }
}
