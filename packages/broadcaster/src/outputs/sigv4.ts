/**
 * @module AWS Signature Version 4 for S3-compatible stores (header-based, path-style), as specified in
 * "Authenticating Requests: Using the Authorization Header (AWS Signature Version 4)" of the Amazon S3 API reference.
 * Payloads are sent as `UNSIGNED-PAYLOAD` so uploads can stream without hashing the body first.
 */
import { createHash, createHmac } from "node:crypto";

/** Credentials and scope of a signature. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** `s3` for S3. */
  service?: string;
}

/** A request to sign. */
export interface SigV4Request {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (names lower-case). */
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` (the default). */
  payloadHash?: string;
  /** Signing time (default now). */
  date?: Date;
}

/** SHA-256 of the empty body, for requests without one. */
export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

/** RFC 3986 encoding of one URI component, as SigV4 requires (`!'()*` encoded too). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/**
 * Returns the headers to send: the given ones plus `x-amz-date`, `x-amz-content-sha256` and `authorization`.
 * @example
 * const headers = signV4({ method: "GET", url: new URL("http://127.0.0.1:9000/bucket/key") },
 *   { accessKeyId: "AK", secretAccessKey: "SK", region: "us-east-1" });
 */
export function signV4(req: SigV4Request, cred: SigV4Credentials): Record<string, string> {
  const date = req.date ?? new Date();
  const amzDate = date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = req.payloadHash ?? "UNSIGNED-PAYLOAD";
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    host: req.url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const path = req.url.pathname
    .split("/")
    .map((seg) => encode(decodeURIComponent(seg)))
    .join("/");
  const query = [...req.url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [req.method, path, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const service = cred.service ?? "s3";
  const scope = `${day}/${cred.region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${cred.secretAccessKey}`, day), cred.region), service), "aws4_request");
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  const { host: _host, ...rest } = headers;
  return {
    ...rest,
    authorization: `AWS4-HMAC-SHA256 Credential=${cred.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
