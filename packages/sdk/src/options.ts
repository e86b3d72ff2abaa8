/**
 * @module Option and result types of the pipeline methods, mapped from the generated gateway types: each snake_case
 * request field becomes a camelCase option with the same type and optionality, binary fields accept any
 * {@link Uploadable}, and `loras` may also be an object; the pipeline methods themselves are mapped from the
 * generated `PIPELINES` table. A spec change — a field or a whole pipeline — flows through on `pnpm generate`. Also
 * `checkSettings`, where every method's options are normalised and settings that cannot work are refused, and
 * `mediaUrl`, which checks what `download` is given.
 */
import { InvalidInputError } from "./errors.js";
import type { components, operations } from "./generated/gateway.js";
import type { PIPELINES } from "./generated/gateway-pipelines.js";
import type { CamelCase } from "./internal/case.js";
import type { Uploadable } from "./uploadable.js";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** LoRAs to apply: the spec's JSON string (`'{"org/lora": 0.8}'`) or an object of LoRA ids → weights (≥ 0, at most 4). */
export type LorasInput = string | Record<string, number>;

type OptionValue<K, V> = K extends "loras" ? LorasInput : NonNullable<V> extends Blob ? Uploadable : V;

/** The camelCase options for a snake_case request body `Body`. */
export type OptionsOf<Body> = Simplify<{
  [K in keyof Body as K extends string ? CamelCase<K> : never]: OptionValue<K, Body[K]>;
}>;

/** The request body of operation `Op`, whichever media type it is sent as. */
export type RequestBodyOf<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: infer C };
}
  ? C extends { "application/json": infer B }
    ? B
    : C extends { "multipart/form-data": infer B }
      ? B
      : never
  : never;

/** The 200 JSON body of operation `Op`. */
export type ResultOf<Op extends keyof operations> = operations[Op]["responses"] extends {
  200: { content: { "application/json": infer R } };
}
  ? R
  : never;

/** The pipelines of the gateway, as the generated table describes them. */
export type Pipelines = typeof PIPELINES;
/** A pipeline of the gateway, e.g. `"text-to-image"`. */
export type PipelineName = keyof Pipelines;

/** The options of pipeline `P`'s method. */
export type PipelineOptions<P extends PipelineName> = OptionsOf<RequestBodyOf<Pipelines[P]["operationId"]>>;
/** What pipeline `P`'s method resolves with. */
export type PipelineResult<P extends PipelineName> = ResultOf<Pipelines[P]["operationId"]>;

/** An entry of a pipelines table, as far as the methods are mapped from it. */
interface MethodSource {
  readonly clientMethod: string;
  readonly operationId: keyof operations;
}

/**
 * One method per pipeline of `Table`, named by its `clientMethod`, taking the options of its operation and
 * resolving with its 200 body. `Client` is this over the gateway's generated table, so a pipeline added to the spec
 * becomes a typed method after `pnpm generate`.
 */
export type PipelineMethods<Table extends Record<string, MethodSource> = Pipelines> = {
  [P in keyof Table as Table[P]["clientMethod"]]: (
    options: OptionsOf<RequestBodyOf<Table[P]["operationId"]>>,
    call?: CallOptions,
  ) => Promise<ResultOf<Table[P]["operationId"]>>;
};

/*
 * `modelId` is optional everywhere: without it the gateway runs its default model for the pipeline (Livepeer's for
 * the four Livepeer pipelines unless its operator chose others; for video-upscale and frame-interpolation only one
 * the operator set, else the call fails with a 422 at `model_id`).
 */

/** Options of {@link Client.textToImage}: `prompt` is required; `modelId` defaults to the gateway's. */
export type TextToImageOptions = PipelineOptions<"text-to-image">;
/** Options of {@link Client.imageToImage}: `prompt` and `image` are required; `modelId` defaults to the gateway's. */
export type ImageToImageOptions = PipelineOptions<"image-to-image">;
/** Options of {@link Client.imageToVideo}: `image` is required; `modelId` defaults to the gateway's. */
export type ImageToVideoOptions = PipelineOptions<"image-to-video">;
/** Options of {@link Client.upscale}: `prompt` and `image` are required (ESRGAN ignores the prompt); `modelId` defaults to the gateway's. */
export type UpscaleOptions = PipelineOptions<"upscale">;
/** Options of {@link Client.videoUpscale}: `video` (any Uploadable) is required; `modelId` defaults to the operator's, if set. */
export type VideoUpscaleOptions = PipelineOptions<"video-upscale">;
/**
 * Options of {@link Client.frameInterpolation}: `video` or `firstImage` + `lastImage` (any Uploadable), and one of
 * `outputFps`, `multiplier` or `timesToInterpolate`; `modelId` defaults to the operator's, if set.
 */
export type FrameInterpolationOptions = PipelineOptions<"frame-interpolation">;

/** One generated file: a URL the gateway serves, the seed it was made with, and the NSFW flag. */
export type Media = components["schemas"]["Media"];
/** `{ images: Media[] }` — what every pipeline returns (image-to-video: one mp4). */
export type ImageResponse = components["schemas"]["ImageResponse"];

/**
 * Headers as `fetch` takes them: a `Headers`, an object of names to values, or a list of `[name, value]` pairs. The
 * DOM's `HeadersInit`, declared here because Node's types (`@types/node`) have `Headers` but no `HeadersInit`: the
 * SDK's types compile without the DOM lib.
 */
export type HeadersLike = Headers | Record<string, string> | Array<[string, string]>;

/** Per-call settings, the second argument of every method. */
export interface CallOptions {
  /** Aborts the call (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /**
   * Retries for this call. Passing it opts the call into retries even when it is not idempotent (a generation
   * without a `seed`): you accept that the job may run more than once.
   */
  retries?: number;
  /** Sent as `X-Request-Id`, so you can find this job in every layer's logs. 1-128 visible ASCII characters. */
  requestId?: string;
  /** Extra headers for this call. */
  headers?: HeadersLike;
}

/** Settings of {@link Client.download}: the call options, and whether to stream the body. */
export interface DownloadOptions extends CallOptions {
  /**
   * Resolve with the body as a `ReadableStream<Uint8Array>` once the headers arrive, rather than with its bytes: for
   * files larger than the client's `maxResponseBytes` (which does not apply) or than you want in memory. `timeoutMs`
   * then bounds the call until the headers and, after them, each wait for the next chunk; `signal` aborts it until the
   * end.
   */
  stream?: boolean;
}

/** The longest a timer can wait (2^31 − 1 ms, about 24.8 days): a longer `setTimeout` fires at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The settings {@link checkSettings} checks, wherever they appear. */
interface Settings {
  timeoutMs?: number;
  retries?: number;
  eventStreamIdleMs?: number;
  maxResponseBytes?: number;
  stream?: boolean;
  signal?: AbortSignal;
}

/**
 * The one place options are normalised: every method taking options (a call's, `submit`'s, `wait`'s, `events`')
 * passes them through here. No options — `undefined`, or `null` from plain JavaScript — are `{}`. Refuses settings
 * that would silently misbehave: a NaN, negative or over-long `timeoutMs` or `eventStreamIdleMs` fires at once (timers
 * cannot wait longer than {@link MAX_TIMEOUT_MS}), a negative or fractional retry count never retries, a
 * `maxResponseBytes` that is not a whole number ≥ 1 is no byte count (0 would refuse every answer), a `stream`
 * that is not a boolean would be read as one (`"false"` would stream), and a `signal` that is not an AbortSignal.
 *
 * @example
 * const call = checkSettings("/text-to-image", null); // {}
 * checkSettings("createClient", { timeoutMs: 2 ** 31 }); // RangeError: … the longest allowed is 2147483647 …
 */
export function checkSettings<T extends object>(where: string, options: T | null | undefined): T {
  const o: T & Settings = options ?? ({} as T);
  for (const key of ["timeoutMs", "eventStreamIdleMs"] as const) {
    const t = o[key];
    if (t !== undefined && !(Number.isFinite(t) && t > 0 && t <= MAX_TIMEOUT_MS)) {
      throw new RangeError(
        `${where}: ${key} must be a positive number of milliseconds, got ${shown(t)}; the longest allowed is ${MAX_TIMEOUT_MS} (about 24.8 days)`,
      );
    }
  }
  for (const [key, least] of [
    ["retries", 0],
    ["maxResponseBytes", 1],
  ] as const) {
    const n = o[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= least)) {
      throw new RangeError(`${where}: ${key} must be a whole number ≥ ${least}, got ${shown(n)}`);
    }
  }
  // Anything else threw from `addEventListener` once a call's timer ran, which then held the process for its timeout.
  // Told by its shape, not `instanceof`: a signal of another realm or a polyfill is one too.
  const signal = o.signal as { addEventListener?: unknown; aborted?: unknown } | null | undefined;
  // null is none, as `fetch` takes it.
  if (signal != null && (typeof signal.addEventListener !== "function" || typeof signal.aborted !== "boolean")) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${typeof o.signal}`);
  }
  if (o.stream !== undefined && typeof o.stream !== "boolean") {
    throw new TypeError(`${where}: stream must be true or false, got ${shown(o.stream)}`);
  }
  return o;
}

/**
 * The URL {@link Client.download} fetches: a {@link Media}'s `url` or a URL string, resolved against `baseUrl` (so a
 * path on the gateway works), of a scheme `fetch` can get: `http:`, `https:` or `data:`. Anything else — `null`,
 * `undefined`, a number, an object without a `url` string, an empty string, a URL that does not parse, a `file:` or
 * `ftp:` URL — is an {@link InvalidInputError} saying what was given, before any request.
 *
 * @example
 * mediaUrl({ url: "/outputs/a.png", seed: 1, nsfw: false }, "http://127.0.0.1:8937/").href; // "http://127.0.0.1:8937/outputs/a.png"
 * mediaUrl(null, base); // InvalidInputError: [GET] download: invalid input — media must be a Media or a URL string, got null
 * mediaUrl("file:///etc/passwd", base); // InvalidInputError: … a media URL must be http:, https: or data:, got a file: URL
 */
export function mediaUrl(media: unknown, baseUrl: string): URL {
  const isObject = typeof media === "object" && media !== null;
  const url = isObject ? (media as { url?: unknown }).url : media;
  const got = typeof url === "object" && url ? "an object" : shown(url);
  let problem = `media must be a Media or a URL string, got ${isObject ? `an object whose url is ${got}` : got}`;
  let cause: unknown;
  try {
    if (typeof url === "string" && url) {
      const parsed = new URL(url, baseUrl);
      if (/^(https?|data):$/.test(parsed.protocol)) return parsed;
      problem = `a media URL must be http:, https: or data:, got a ${parsed.protocol} URL`;
    }
  } catch (err) {
    cause = err;
  }
  throw new InvalidInputError({ method: "GET", path: "download" }, problem, { cause });
}

/**
 * A value as a message shows it: a string quoted, so `"100"` is told from 100.
 * @example shown("100") // "\"100\""
 */
export function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
