/**
 * @module HTTP calls to orchestrators over `node:http` with keep-alive agents: a job's POST and the GET of each
 * output. Cheaper per call than `fetch` (no WHATWG Request/Response/stream objects on the hot path), and bodies
 * stay Node streams end to end (upload Blob → socket, socket → output store).
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { BodyTooLarge, readWhole } from "@ai-video-subnet/server-kit";

// Idle sockets are closed after 4 s, before the servers' own keep-alive timeout (5 s in Node) can close them
// under a request that is just being sent on them.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 }),
};

/** An answer whose body has not been read yet. */
export interface UpstreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
}

/**
 * An answer whose headers are read lazily: Node builds their object on first access, and a job's 200 never needs it.
 * The getter is the class's, not one made per answer: V8 keeps an object's own accessor in the old generation, and
 * one holding the answer kept it (and what it references) alive until the next full collection.
 */
class Answer implements UpstreamResponse {
  readonly status: number;
  readonly body: http.IncomingMessage;
  constructor(res: http.IncomingMessage) {
    this.status = res.statusCode ?? 502;
    this.body = res;
  }
  get headers(): http.IncomingHttpHeaders {
    return this.body.headers;
  }
}

/** A request body: bytes, a list of buffers (written in one go), or a stream (chunked unless a length is given). */
export type UpstreamBody = string | Uint8Array | readonly Buffer[] | Readable | undefined;

/**
 * Sends one request; resolves when the response head arrives, rejects on connection errors and on `signal`.
 * @example const res = await upstream(new URL("http://127.0.0.1:8935/info"), { method: "GET", signal });
 */
export function upstream(
  url: URL,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: UpstreamBody;
    signal: AbortSignal;
    /** Agents by protocol, instead of the shared keep-alive ones (webhook deliveries have their own). */
    agents?: { "http:": http.Agent; "https:": https.Agent };
  },
): Promise<UpstreamResponse> {
  if (url.protocol === "data:") return Promise.resolve(fromDataUrl(url.href));
  const lib = url.protocol === "https:" ? https : http;
  const agent = (init.agents ?? agents)[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers };
    const body = init.body;
    if (typeof body === "string" || body instanceof Uint8Array) {
      headers["content-length"] = String(Buffer.byteLength(body));
    } else if (Array.isArray(body)) {
      headers["content-length"] = String(body.reduce((n: number, b: Buffer) => n + b.length, 0));
    }
    const req = lib.request(url, { method: init.method, headers, agent, signal: init.signal }, (res) =>
      resolve(new Answer(res)),
    );
    req.on("error", reject);
    if (body === undefined) req.end();
    else if (typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else if (Array.isArray(body)) {
      // Corked, the buffers leave in one writev with the head.
      req.cork();
      for (const b of body as readonly Buffer[]) req.write(b);
      req.end();
      req.uncork();
    } else {
      const stream = body as Readable;
      stream.on("error", (err) => req.destroy(err));
      // A request cut short (timeout, client gone, connection lost) leaves its source unread: close it (a spool
      // file's descriptor) rather than wait for the garbage collector.
      req.once("close", () => {
        if (!stream.readableEnded) stream.destroy();
      });
      stream.pipe(req);
    }
  });
}

/** An answer that sent nothing for `ms` (see {@link readBytes}). */
export class AnswerStalled extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`answer stalled: nothing received for ${ms} ms`);
    this.name = "AnswerStalled";
    this.ms = ms;
  }
}

/**
 * Reads a whole (small) answer as one buffer (the chunk itself when it came in one). With `maxBytes`, an answer
 * that goes past it is not read on: its socket is destroyed and server-kit's `BodyTooLarge` is thrown. With
 * `idleMs`, one that sends nothing for that long is destroyed and {@link AnswerStalled} thrown.
 * @example const answer = await readBytes(res.body, 64 * 1024 * 1024);
 */
export async function readBytes(body: Readable, maxBytes?: number, idleMs?: number): Promise<Buffer> {
  const chunks = await (idleMs === undefined ? readWhole(body, maxBytes) : readWatched(body, maxBytes, idleMs));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** {@link readWhole}, destroying `body` with {@link AnswerStalled} after `idleMs` without a chunk: one timer a read. */
async function readWatched(body: Readable, maxBytes: number | undefined, idleMs: number): Promise<Buffer[]> {
  const reading = readWhole(body, maxBytes);
  const timer = setTimeout(() => body.destroy(new AnswerStalled(idleMs)), idleMs);
  const refresh = () => timer.refresh();
  body.on("data", refresh);
  try {
    return await reading;
  } finally {
    clearTimeout(timer);
    body.off("data", refresh);
  }
}

const CONTENT_LENGTH = /^content-length$/i;
const CONTENT_TYPE = /^content-type$/i;

/**
 * The `Content-Type` an answer declares, or undefined; read from the raw header list as {@link declaredLength} is.
 * @example declaredType(res) // "application/json"
 */
export function declaredType(res: UpstreamResponse): string | undefined {
  const raw = (res.body as Partial<http.IncomingMessage>).rawHeaders;
  if (!raw) return res.headers["content-type"];
  for (let i = 0; i < raw.length; i += 2) {
    if (CONTENT_TYPE.test(raw[i]!)) return raw[i + 1];
  }
  return undefined;
}

/**
 * The `Content-Length` an answer declares, or undefined. Read from the raw header list of an HTTP answer, so that a
 * job's answer, whose `headers` object is otherwise never built, is not made to build it.
 * @example if ((declaredLength(res) ?? 0) > max) res.body.destroy();
 */
export function declaredLength(res: UpstreamResponse): number | undefined {
  const raw = (res.body as Partial<http.IncomingMessage>).rawHeaders;
  if (!raw) return res.headers["content-length"] === undefined ? undefined : Number(res.headers["content-length"]);
  for (let i = 0; i < raw.length; i += 2) {
    if (CONTENT_LENGTH.test(raw[i]!)) return Number(raw[i + 1]);
  }
  return undefined;
}

/**
 * Reads a whole (small) answer as text; past `maxBytes` the answer is destroyed and `BodyTooLarge` thrown.
 * @example const text = await readText(res.body, 64 * 1024);
 */
export async function readText(body: Readable, maxBytes?: number): Promise<string> {
  return (await readBytes(body, maxBytes)).toString("utf8");
}

/**
 * The text of a `fetch` answer of at most `maxBytes` (a larger declared length is refused before reading; past it
 * while reading, the body is cancelled): for answers of servers the gateway does not run (an orchestrator's
 * `/info`, a discovery list), which should not be able to fill its memory.
 * @example const info = JSON.parse(await boundedText(await fetch(`${url}/info`), 1024 * 1024));
 */
export async function boundedText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`an answer of ${declared} bytes, more than the ${maxBytes} read`);
  }
  if (!res.body) return "";
  try {
    return (await readBytes(Readable.fromWeb(res.body as never), maxBytes)).toString("utf8");
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new Error(`an answer of more than the ${maxBytes} bytes read`);
    throw err;
  }
}

/**
 * A `data:` URL as if it had been fetched (runners and some orchestrators return media inline): decoded straight
 * from the answer's string, without parsing it as a URL (a URL parser walks and copies the whole of it).
 * @example const res = fromDataUrl("data:image/png;base64,iVBORw0…");
 */
export function fromDataUrl(href: string): UpstreamResponse {
  const comma = href.indexOf(",");
  const meta = href.slice(5, comma);
  const data = href.slice(comma + 1);
  const bytes = meta.endsWith(";base64") ? Buffer.from(data, "base64") : Buffer.from(decodeURIComponent(data));
  const type = meta.replace(/;base64$/, "") || "application/octet-stream";
  return {
    status: 200,
    headers: { "content-type": type, "content-length": String(bytes.length) },
    body: Readable.from([bytes]),
  };
}
