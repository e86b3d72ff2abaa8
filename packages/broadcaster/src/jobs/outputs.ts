/**
 * @module What the broadcaster accepts of an orchestrator's outputs, and how they reach the output store. An
 * orchestrator is someone else's server, so its answer is checked before anything of it is kept or fetched: as many
 * outputs as the request asks for, each with an integer seed and a boolean nsfw, each of the type its pipeline makes
 * (image/png, or video/mp4 for the video pipelines) of at most `max-output-bytes`, inlined as
 * a `data:` URL or named by an http(s) URL on the orchestrator's own origin (fetched as ever) or elsewhere (an
 * object store's link: fetched only from public addresses and the networks of `output-allow-networks`, checked on
 * the addresses the connection goes to). Anything else is a {@link BadAnswer}: the orchestrator's fault, like a
 * malformed answer. Redirects are not followed (`node:http` does not).
 */
import { PassThrough, type Readable } from "node:stream";
import { DataUrl } from "@ai-video-subnet/runner-client/node";
import { PIPELINES, type PipelineEntry } from "../generated/gateway-pipelines.js";
import { AddressPolicy, AddressRefused, type Resolve } from "../network/address-policy.js";
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import {
  acceptedExtension,
  hasSignature,
  MEDIA_TYPES,
  type MediaExtension,
  type OutputStore,
  outputName,
  SIGNATURE_BYTES,
} from "../outputs/store.js";
import type { Job } from "./job.js";
import { fromDataUrl, upstream } from "./upstream.js";

/** What an orchestrator's answer may be, by the operator's settings. */
export interface AnswerLimits {
  /** Largest job answer read, bytes (`max-answer-bytes`). */
  maxAnswerBytes: number;
  /** Longest silence in a job answer once its headers came, ms (`answer-idle-timeout-ms`). */
  idleTimeoutMs: number;
  /** Largest single output, bytes (`max-output-bytes`). */
  maxOutputBytes: number;
  /** Where outputs off the orchestrator's own origin may be fetched from (`output-allow-networks`). */
  addresses: AddressPolicy;
}

/**
 * An answer the broadcaster refuses (a disallowed output URL, type or size, too many outputs, too many bytes): the
 * orchestrator's fault, failed and held back as a malformed answer is. The message starts with its kind
 * (`output refused: …`), which is what the client is told.
 */
export class BadAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadAnswer";
  }
}

/** The output store failed on its own (not because the orchestrator's answer broke off): the gateway's fault. */
export class StoreFailed extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * The address rules of outputs off an orchestrator's origin: public addresses, and the networks of
 * `output-allow-networks`.
 * @example outputAddresses(["10.8.0.0/16"]).refusal("10.8.1.2") // undefined
 */
export function outputAddresses(allow: readonly string[] = [], resolve?: Resolve): AddressPolicy {
  return new AddressPolicy("output-allow-networks", allow, resolve);
}

/**
 * How many outputs a job's answer may hold: the request's image count (`num_images_per_prompt`, the field the
 * pipeline's work units name as `images` in the spec) where it has one, else 1 — one image, or one mp4.
 * @example outputsAllowed({ pipeline: "text-to-image", body: { num_images_per_prompt: 4 } }) // 4
 */
export function outputsAllowed(job: Pick<Job, "pipeline" | "body">): number {
  const field = (PIPELINES as Record<string, PipelineEntry>)[job.pipeline]?.units.images;
  const n = field === undefined ? 1 : Number(job.body[field] ?? 1);
  return Number.isInteger(n) && n > 1 ? n : 1;
}

/**
 * The type of output each pipeline makes, by the spec's table: an mp4 for one whose work counts frames (image-to-video,
 * video-upscale, frame-interpolation), else a PNG.
 */
const OUTPUT_TYPES: Readonly<Record<string, MediaExtension>> = Object.fromEntries(
  Object.values(PIPELINES as Record<string, PipelineEntry>).map((p) => [
    p.pipeline,
    p.units.frames === undefined ? "png" : "mp4",
  ]),
);

/**
 * The type of output `pipeline` makes (`png` or `mp4`), or undefined for a pipeline the table does not list.
 * @example outputType("video-upscale") // "mp4"
 */
export function outputType(pipeline: string): MediaExtension | undefined {
  return OUTPUT_TYPES[pipeline];
}

/**
 * What is wrong with an answer's list of outputs for this request, or undefined: exactly as many as it asks for
 * ({@link outputsAllowed}), each with an integer `seed` and a boolean `nsfw`, as the spec's `Media` requires (a
 * Livepeer client refuses an answer without them). Reads only the few fields parsed as JSON, never the outputs' bytes.
 * @example answerFault([], { pipeline: "upscale", body: {} }) // "too few outputs: 0 for a request of 1"
 */
export function answerFault(
  images: ReadonlyArray<{ seed?: unknown; nsfw?: unknown }>,
  job: Pick<Job, "pipeline" | "body">,
): string | undefined {
  const wanted = outputsAllowed(job);
  if (images.length !== wanted) {
    return `${images.length > wanted ? "too many" : "too few"} outputs: ${images.length} for a request of ${wanted}`;
  }
  for (let i = 0; i < images.length; i++) {
    const { seed, nsfw } = images[i]!;
    if (!Number.isSafeInteger(seed)) return `malformed answer: output ${i}'s seed is ${shown(seed)}, not an integer`;
    if (typeof nsfw !== "boolean") return `malformed answer: output ${i}'s nsfw is ${shown(nsfw)}, not a boolean`;
  }
  return undefined;
}

/** A value as a reason shows it: its JSON type, not its (orchestrator-chosen, maybe large) content. */
function shown(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  return typeof v === "object" ? (Array.isArray(v) ? "an array" : "an object") : `a ${typeof v}`;
}

/** An output inlined in the answer that the byte-level parser left as text (not base64, or escaped). */
const DATA_URL = /^data:/i;
const SLASH = 0x2f;

/**
 * Copies one output into the store and returns its new name: a base64 `data:` URL decoded from the answer's bytes,
 * any other `data:` URL from its text, a URL (relative to the orchestrator) fetched and streamed. Throws
 * {@link BadAnswer} for an output the rules refuse, {@link StoreFailed} when the store fails.
 * `keepMs`: how long the store keeps it at least (an asynchronous job's retention; see `Job.outputKeepMs`); `kind`:
 * the type the job's pipeline makes ({@link outputType}), any other being refused.
 * @example const name = await copyOutput(m.url, o, store, limits, signal);
 */
export async function copyOutput(
  url: string | DataUrl,
  o: Orchestrator,
  store: OutputStore,
  limits: AnswerLimits,
  signal: AbortSignal,
  keepMs?: number,
  kind?: MediaExtension,
): Promise<string> {
  if (url instanceof DataUrl) {
    const ext = accepted(url.mediaType, "", "a data: URL", kind);
    const bytes = url.bytes();
    if (bytes.length > limits.maxOutputBytes) throw tooLarge(`${bytes.length} bytes`, limits);
    if (!hasSignature(ext, bytes)) throw notOfType(ext, "a data: URL");
    return put(store, ext, bytes, bytes.length, limits.maxOutputBytes, "a data: URL", keepMs);
  }
  const target = DATA_URL.test(url) ? undefined : new URL(url, `${o.url}/`);
  // On the orchestrator's origin (its answers' usual `${o.url}/outputs/…`, told by comparing strings), fetched as
  // ever; off it, only where the address rules allow.
  const own =
    target && ((url.startsWith(o.url) && url.charCodeAt(o.url.length) === SLASH) || target.origin === o.origin);
  const agents = target && !own ? offOrigin(target, limits.addresses) : undefined;
  let res: Awaited<ReturnType<typeof upstream>>;
  try {
    res = target ? await upstream(target, { method: "GET", signal, agents }) : fromDataUrl(url);
  } catch (err) {
    if (err instanceof AddressRefused) throw refused(target!, err.message, limits.addresses);
    throw err;
  }
  if (res.status !== 200) {
    res.body.resume();
    throw new Error(`GET ${target ? target.href : "data URL"}: HTTP ${res.status}`);
  }
  const from = target ? target.host : "a data: URL";
  let ext: ReturnType<typeof accepted>;
  const size = res.headers["content-length"];
  const length = size === undefined ? undefined : Number(size);
  try {
    ext = accepted(res.headers["content-type"], target ? url : "", from, kind);
    if (length !== undefined && length > limits.maxOutputBytes) throw tooLarge(`${length} bytes from ${from}`, limits);
  } catch (err) {
    res.body.destroy();
    throw err;
  }
  return put(store, ext, res.body, length, limits.maxOutputBytes, from, keepMs);
}

/** The agents to fetch an output off the orchestrator's origin with; throws {@link BadAnswer} when it may not be. */
function offOrigin(target: URL, addresses: AddressPolicy) {
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new BadAnswer(
      `output refused: a ${target.protocol} URL; outputs come as http(s) URLs or inline as data: URLs`,
    );
  }
  const why = addresses.hostRefusal(target.hostname);
  if (why) throw refused(target, why, addresses);
  return addresses.agents();
}

function refused(target: URL, why: string, addresses: AddressPolicy): BadAnswer {
  return new BadAnswer(
    `output refused: ${target.host} is not the orchestrator's origin and ${why}; outputs off it are fetched from public addresses only, unless the gateway's operator allows a network with ${addresses.setting}`,
  );
}

/** The extension of an output of `type`; throws {@link BadAnswer} for a type the pipelines do not produce. */
function accepted(type: string | undefined, url: string, from: string, kind: MediaExtension | undefined) {
  const ext = acceptedExtension(type, url);
  if (ext && kind !== undefined && ext !== kind) {
    throw new BadAnswer(`output refused: ${from} is ${MEDIA_TYPES[ext]}, but the pipeline makes ${MEDIA_TYPES[kind]}`);
  }
  if (ext) return ext;
  const allowed = Object.values(MEDIA_TYPES).join(", ");
  throw new BadAnswer(`output refused: ${from} is ${JSON.stringify(type ?? "untyped")}, not one of ${allowed}`);
}

function notOfType(ext: MediaExtension, from: string): BadAnswer {
  return new BadAnswer(`output refused: ${from} is typed ${MEDIA_TYPES[ext]} but its bytes do not start as one does`);
}

function tooLarge(what: string, limits: AnswerLimits): BadAnswer {
  return new BadAnswer(`output too large: ${what}, more than max-output-bytes (${limits.maxOutputBytes})`);
}

/**
 * Stores one output of at most `maxBytes` whose bytes start as its type's do, telling whose a failure is: the
 * source's (the orchestrator's answer broke off, went past `maxBytes` or is not of its type: its error is thrown as
 * it is, and what was stored is removed) or the store's ({@link StoreFailed}). A streamed source reaches the store
 * through a relay, so a store that gives up destroys the relay, not the source: an error seen on the source is the
 * source's own.
 */
async function put(
  store: OutputStore,
  ext: MediaExtension,
  body: Uint8Array | Readable,
  size: number | undefined,
  maxBytes: number,
  from: string,
  keepMs: number | undefined,
): Promise<string> {
  const name = outputName(ext);
  if (body instanceof Uint8Array) {
    try {
      return await store.put(name, body, MEDIA_TYPES[ext], size, keepMs);
    } catch (err) {
      throw new StoreFailed(err);
    }
  }
  let broken: { err: unknown } | undefined;
  let seen = 0;
  // The first bytes, until there are enough to tell the type by (a chunk holds them all but for odd senders).
  let head: Buffer | undefined = Buffer.alloc(0);
  const relay = new PassThrough();
  const fail = (err: unknown) => {
    broken = { err };
    body.destroy();
    relay.destroy(err as Error);
  };
  body.on("error", (err) => {
    broken ??= { err };
    relay.destroy(err);
  });
  body.pipe(relay);
  body.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (broken) return;
    if (head) {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length >= SIGNATURE_BYTES) {
        const typed = hasSignature(ext, head);
        head = undefined;
        if (!typed) return fail(notOfType(ext, from));
      }
    }
    if (seen > maxBytes) fail(new BadAnswer(`output too large: more than max-output-bytes (${maxBytes}) sent`));
  });
  let stored: string;
  try {
    stored = await store.put(name, relay, MEDIA_TYPES[ext], size, keepMs);
  } catch (err) {
    body.destroy();
    if (!broken) throw new StoreFailed(err);
    await store.delete(name).catch(() => {});
    throw broken.err;
  }
  if (head) {
    // Fewer bytes than a signature: no output of either type is that short.
    await store.delete(stored).catch(() => {});
    throw notOfType(ext, from);
  }
  return stored;
}
