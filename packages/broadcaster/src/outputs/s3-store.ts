/**
 * @module Outputs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2, …), path-style URLs, SigV4-signed.
 * The broadcaster still serves them at `/outputs/<name>` (it streams them from the bucket), so clients need no
 * bucket access and URLs stay the same whichever store is configured.
 */
import { type ByteRange, rangePart } from "@ai-video-subnet/server-kit";
import { EMPTY_SHA256, type SigV4Credentials, signV4 } from "./sigv4.js";
import {
  emptyBody,
  mediaTypeOf,
  OUTPUT_NAME,
  type OutputBody,
  type OutputInfo,
  type OutputStore,
  type StoredOutput,
} from "./store.js";

/** Where the bucket is and how to sign for it. */
export interface S3StoreOptions extends SigV4Credentials {
  endpoint: string;
  bucket: string;
  prefix?: string;
  retentionMs: number;
}

/**
 * An output store on an S3-compatible bucket.
 * @example new S3OutputStore({ endpoint: "http://127.0.0.1:9000", bucket: "outputs", region: "us-east-1",
 *   accessKeyId: "…", secretAccessKey: "…", retentionMs: 86_400_000 })
 */
export class S3OutputStore implements OutputStore {
  readonly #o: S3StoreOptions;
  readonly #prefix: string;

  constructor(options: S3StoreOptions) {
    this.#o = { ...options, endpoint: options.endpoint.replace(/\/+$/, "") };
    this.#prefix = options.prefix ?? "outputs/";
  }

  #url(key = "", query = ""): URL {
    const path = key ? `/${this.#o.bucket}/${key.split("/").map(encodeURIComponent).join("/")}` : `/${this.#o.bucket}`;
    return new URL(`${this.#o.endpoint}${path}${query}`);
  }

  async #send(
    method: string,
    url: URL,
    init: { headers?: Record<string, string>; body?: unknown; hash?: string } = {},
  ) {
    const headers = signV4({ method, url, headers: init.headers, payloadHash: init.hash ?? EMPTY_SHA256 }, this.#o);
    return fetch(url, { method, headers, body: init.body as BodyInit, duplex: "half" } as RequestInit);
  }

  async put(name: string, body: OutputBody, contentType: string, size?: number): Promise<string> {
    // S3 needs a Content-Length on a plain PUT: stream when the source gave one, else read the (small) output first.
    let payload: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | Uint8Array = body;
    let length = body instanceof Uint8Array ? body.byteLength : size;
    if (length === undefined) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      payload = Buffer.concat(chunks);
      length = payload.byteLength;
    }
    const res = await this.#send("PUT", this.#url(this.#prefix + name), {
      headers: { "content-type": contentType, "content-length": String(length) },
      body: payload,
      hash: "UNSIGNED-PAYLOAD",
    });
    if (!res.ok) throw new Error(`S3 PUT ${name}: HTTP ${res.status} ${await res.text()}`);
    return name;
  }

  /** Whether an answer's object is past the retention time, by its `Last-Modified`. */
  #expired(res: Response): boolean {
    const modified = Date.parse(res.headers.get("last-modified") ?? "");
    return Number.isFinite(modified) && Date.now() - modified > this.#o.retentionMs;
  }

  async get(name: string, range?: ByteRange): Promise<StoredOutput | undefined> {
    if (!OUTPUT_NAME.test(name)) return undefined;
    const contentType = mediaTypeOf(name);
    // The bucket serves the range itself (a ranged GET reads only those bytes), asked as `bytes=first-last`. A
    // suffix is turned into that form from the size (a HEAD first): s3rver, for one, reads `bytes=-n` as `0-n`.
    let asked = range;
    if (range && "suffix" in range) {
      const info = await this.stat(name);
      if (!info) return undefined;
      const part = rangePart(range, info.size);
      if (part === "unsatisfiable") return { ...info, body: emptyBody(), part };
      asked = part && { first: part.start, last: part.end };
    }
    const headers: Record<string, string> =
      asked && "first" in asked ? { range: `bytes=${asked.first}-${asked.last ?? ""}` } : {};
    const res = await this.#send("GET", this.#url(this.#prefix + name), { headers });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 416) {
      // Starts past the end: the bucket's error does not say the size in a header, a HEAD does.
      await res.body?.cancel();
      const info = await this.stat(name);
      return info && { ...info, body: emptyBody(), part: "unsatisfiable" };
    }
    if (!res.ok || !res.body) throw new Error(`S3 GET ${name}: HTTP ${res.status} ${await res.text()}`);
    if (this.#expired(res)) {
      await res.body.cancel();
      return undefined;
    }
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
      if (!m) {
        await res.body.cancel();
        throw new Error(`S3 GET ${name}: 206 without a Content-Range of one range`);
      }
      const part = { start: Number(m[1]), end: Number(m[2]) };
      return { body: res.body, contentType, size: Number(m[3]), part };
    }
    // 200: all of it (no range asked, or a bucket that does not serve ranges).
    const size = contentLength(res);
    if (size === undefined) {
      await res.body.cancel();
      throw new Error(`S3 GET ${name}: no Content-Length`);
    }
    return { body: res.body, contentType, size };
  }

  async stat(name: string): Promise<OutputInfo | undefined> {
    if (!OUTPUT_NAME.test(name)) return undefined;
    const res = await this.#send("HEAD", this.#url(this.#prefix + name));
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`S3 HEAD ${name}: HTTP ${res.status}`);
    if (this.#expired(res)) return undefined;
    const size = contentLength(res);
    if (size === undefined) throw new Error(`S3 HEAD ${name}: no Content-Length`);
    return { contentType: mediaTypeOf(name), size };
  }

  async delete(name: string): Promise<void> {
    if (!OUTPUT_NAME.test(name)) return;
    const res = await this.#send("DELETE", this.#url(this.#prefix + name));
    await res.body?.cancel();
    if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${name}: HTTP ${res.status}`);
  }

  async cleanup(now: number): Promise<number> {
    let removed = 0;
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ "list-type": "2", prefix: this.#prefix });
      if (token) q.set("continuation-token", token);
      const res = await this.#send("GET", this.#url("", `?${q}`));
      const xml = await res.text();
      if (!res.ok) throw new Error(`S3 list ${this.#o.bucket}: HTTP ${res.status} ${xml}`);
      for (const item of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(item[1]!)?.[1] ?? "");
        const modified = Date.parse(/<LastModified>([\s\S]*?)<\/LastModified>/.exec(item[1]!)?.[1] ?? "");
        const name = key.slice(this.#prefix.length);
        if (OUTPUT_NAME.test(name) && Number.isFinite(modified) && now - modified > this.#o.retentionMs) {
          await this.delete(name);
          removed += 1;
        }
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? unescapeXml(/<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1] ?? "")
        : undefined;
    } while (token);
    return removed;
  }
}

/** An answer's `Content-Length` (the whole object's size on a 200 or a HEAD), undefined without one. */
function contentLength(res: Response): number | undefined {
  const length = Number(res.headers.get("content-length") ?? Number.NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
