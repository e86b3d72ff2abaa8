/**
 * @module Outputs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2, …), path-style URLs, SigV4-signed.
 * The broadcaster still serves them at `/outputs/<name>` (it streams them from the bucket), so clients need no
 * bucket access and URLs stay the same whichever store is configured.
 */

import { EMPTY_SHA256, type SigV4Credentials, signV4 } from "./sigv4.js";
import {
  MEDIA_TYPES,
  type MediaExtension,
  OUTPUT_NAME,
  type OutputBody,
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

  async get(name: string): Promise<StoredOutput | undefined> {
    if (!OUTPUT_NAME.test(name)) return undefined;
    const res = await this.#send("GET", this.#url(this.#prefix + name));
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok || !res.body) throw new Error(`S3 GET ${name}: HTTP ${res.status} ${await res.text()}`);
    const modified = Date.parse(res.headers.get("last-modified") ?? "");
    if (Number.isFinite(modified) && Date.now() - modified > this.#o.retentionMs) {
      await res.body.cancel();
      return undefined;
    }
    const ext = name.slice(name.lastIndexOf(".") + 1) as MediaExtension;
    return { body: res.body, contentType: MEDIA_TYPES[ext], size: Number(res.headers.get("content-length") ?? 0) };
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

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
