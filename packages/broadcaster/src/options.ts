/** @module The broadcaster's settings: every option with its default, shared by the API, the CLI and the config file. */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { type ConnectionLimits, ownedDirPrefix } from "@ai-video-subnet/server-kit";
import { type AsyncJobOptions, isPostgresUrl } from "./async-jobs/options.js";
import { defaultModelsOf } from "./jobs/default-models.js";
import type { Resolve } from "./network/address-policy.js";
import { UPLOAD_DIR_NAME } from "./server/upload-dir.js";

/** One orchestrator to send jobs to, with the secret it expects from this broadcaster. */
export interface OrchestratorEndpoint {
  /** Base URL, e.g. `http://10.0.0.5:8935`. */
  url: string;
  /** Bearer secret of that orchestrator (falls back to {@link BroadcasterOptions.orchestratorSecret}). */
  secret?: string;
}

/** Where results are stored. */
export type OutputStoreOptions =
  | { kind: "local"; dir: string }
  | {
      kind: "s3";
      /** The S3-compatible endpoint, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`. */
      endpoint: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      /** Key prefix inside the bucket (default `outputs/`). */
      prefix?: string;
    }
  | {
      /** Outputs in PostgreSQL (several broadcasters without a shared filesystem or bucket). */
      kind: "postgres";
      /** Default: the `jobsDb` URL. */
      url?: string;
      /** Default: the `jobsDbSchema`. */
      schema?: string;
    };

/** Everything {@link createBroadcaster} accepts; every field is optional except where a default cannot exist. */
export interface BroadcasterOptions extends AsyncJobOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Base URL of this broadcaster as clients reach it, used in output URLs (default: the address the request arrived
   * at, or a trusted proxy's `X-Forwarded-Host`; never the request's `Host`).
   */
  publicUrl?: string;
  /** Addresses of reverse proxies whose `X-Forwarded-Host`/`-Proto` are believed when `publicUrl` is unset (`*` = any). */
  trustProxy?: string[];
  /** Bearer token `/metrics` requires; unset, `/metrics` answers loopback clients only. */
  metricsToken?: string;
  /** Connection caps and timeouts of the HTTP server (defaults in server-kit's `CONNECTION_DEFAULTS`). */
  connectionLimits?: ConnectionLimits;
  /** A static list of orchestrators. */
  orchestrators?: Array<string | OrchestratorEndpoint>;
  /** Secret sent to orchestrators that have none of their own. */
  orchestratorSecret?: string;
  /** A JSON file `[{"address": "...", "secret"?: "..."}]`, re-read when it changes. */
  orchestratorsFile?: string;
  /** A URL answering `[{"address": "..."}]` (Livepeer's discovery webhook shape), polled. */
  discoveryUrl?: string;
  /** How often discovery URL and orchestrators file are re-read, ms (default 10 000). */
  discoveryIntervalMs?: number;
  /** How often each orchestrator's `/info` is polled, ms (default 5 000). */
  infoIntervalMs?: number;
  /** Largest price per pixel × step accepted (`price_per_unit / pixels_per_unit`); unset = no cap. */
  maxPricePerUnit?: number;
  /** Pixels × steps that `maxPricePerUnit` is quoted for (default 1). */
  pixelsPerUnit?: number;
  /**
   * The model a job runs when its request names none (`model_id` absent or empty), by pipeline, over Livepeer's
   * defaults (`LIVEPEER_DEFAULT_MODELS`); `""` removes a pipeline's default. A job of a pipeline without one needs
   * `model_id` (422 without it). An unknown pipeline or a malformed model id throws.
   */
  defaultModels?: Record<string, string>;
  /** Failed attempts per job across orchestrators (default 3); a busy answer (503, 429) is not one. */
  maxAttempts?: number;
  /**
   * How long a job may wait for capacity and retry, ms (default 30 000): no new attempt starts, and no wait for a
   * busy or full orchestrator goes on, this long after the job arrived.
   */
  retryBudgetMs?: number;
  /**
   * The same for an asynchronous job, counted from when it starts running, ms (default 600 000): nobody holds a
   * connection open for it, so it waits for a slot rather than fail when every orchestrator is briefly full.
   */
  jobsRetryBudgetMs?: number;
  /** Longest one attempt on one orchestrator may take, ms (default 300 000). */
  requestTimeoutMs?: number;
  /**
   * Longest silence in an orchestrator's job answer once its headers came, ms (default 30 000): one that sends its
   * headers and then nothing fails the attempt then, not at `requestTimeoutMs`, and is held back longer each time.
   */
  answerIdleTimeoutMs?: number;
  /**
   * Largest job answer read from an orchestrator, bytes (default 512 MiB): it is held in memory whole, outputs
   * inlined as base64 included. Past it the socket is destroyed and the answer refused as a bad one.
   */
  maxAnswerBytes?: number;
  /** Largest single output copied from an orchestrator, bytes (default 4 GiB); past it the output is refused. */
  maxOutputBytes?: number;
  /**
   * Networks output URLs off an orchestrator's own origin may reach besides public addresses: CIDRs or single
   * addresses (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`; `0.0.0.0/0` and `::/0` allow any). Default: none — an output
   * URL on another host that is, or resolves only to, a loopback, private, link-local or other special-purpose
   * address is refused. URLs on the orchestrator's own origin, relative ones and `data:` URLs are always taken.
   */
  outputAllowNetworks?: string[];
  /** How output and webhook host names are resolved (library and test use; default the system's, as `dns.lookup`). */
  resolveHost?: Resolve;
  /** First hold-back of a failing orchestrator, ms (default 1 000); doubles per failure. */
  backoffBaseMs?: number;
  /** Longest hold-back, ms (default 120 000). */
  backoffMaxMs?: number;
  /**
   * Output store (default a local `./outputs` directory; PostgreSQL when `jobsDb` is a `postgres://` URL). A local
   * store given with a `postgres://` `jobsDb` is kept (the directory may be shared), with a warning at start.
   */
  outputs?: OutputStoreOptions;
  /**
   * Where uploads are spooled while their job runs (default the system temp dir). Each broadcaster spools into a
   * directory of its own inside it, `avs-broadcaster-uploads-<pid>-<start>-<pidns>-<random>`, removed on stop; one a
   * killed broadcaster left is removed at the next start once its process is known to be gone.
   */
  uploadDir?: string;
  /**
   * How long the outputs this broadcaster stores are kept, ms (default 24 h). In the PostgreSQL store each output
   * keeps it whichever broadcaster reads or sweeps it; a shared directory or bucket goes by the reader's.
   */
  outputRetentionMs?: number;
  /** API keys; when any are configured, job routes need `Authorization: Bearer <key>`. */
  apiKeys?: string[];
  /** A file with one API key a line (`#` comments), re-read when it changes. */
  apiKeysFile?: string;
  /**
   * Web origins allowed to call the API from a browser (CORS), e.g. `["https://app.example.com"]`; `["*"]` allows any.
   * None (the default) sends no CORS headers, so browsers on other origins are refused.
   */
  corsOrigins?: string[];
  /** Requests per minute per API key (or per client address without keys); 0 = unlimited (default 0). */
  rateLimit?: number;
  /** Largest JSON body, bytes (default 1 MiB). */
  maxJsonBytes?: number;
  /** Largest multipart upload, bytes (default 50 MiB). */
  maxUploadBytes?: number;
  /** Per-route upload limits in bytes, by path (`{"/upscale": 20971520}`), overriding the two above. */
  bodyLimits?: Record<string, number>;
  /**
   * Seconds in-flight requests and running asynchronous jobs get to finish on stop (default 10): then the requests'
   * connections are cut, and the asynchronous jobs still running are handed back to the queue (0: at once).
   */
  shutdownGrace?: number;
  /** `debug`, `info` (default), `warn`, `error` or `silent`. */
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
  /** Where JSON log lines go (default stdout). */
  logSink?: (line: string) => void;
}

/** The options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<
    BroadcasterOptions,
    | keyof AsyncJobOptions
    | "publicUrl"
    | "trustProxy"
    | "metricsToken"
    | "connectionLimits"
    | "orchestratorSecret"
    | "orchestratorsFile"
    | "discoveryUrl"
    | "maxPricePerUnit"
    | "apiKeysFile"
    | "orchestrators"
    | "outputAllowNetworks"
    | "resolveHost"
  >
> &
  Pick<
    BroadcasterOptions,
    | "publicUrl"
    | "trustProxy"
    | "metricsToken"
    | "connectionLimits"
    | "orchestratorSecret"
    | "orchestratorsFile"
    | "discoveryUrl"
    | "maxPricePerUnit"
    | "apiKeysFile"
    | "outputAllowNetworks"
    | "resolveHost"
  > &
  AsyncJobOptions & { orchestrators: OrchestratorEndpoint[] };

/**
 * The longest retention, ms: 100 years. A sweep removes what ended before `now − retention`; with 2^53−1 ms that
 * is no Date at all (past ±8.64e15 ms), so every sweep failed, and PostgreSQL's `now() + retention` overflows
 * not much further. A hundred years is "keep" for any operator and far inside both.
 */
export const MAX_RETENTION_MS = 100 * 365.25 * 24 * 3600_000;

/**
 * Refuses a retention past {@link MAX_RETENTION_MS} (or not a number) given through the API, as the settings parser
 * does for the flags, naming the setting.
 * @example checkRetentions({ jobRetentionMs: 2 ** 53 - 1 }) // throws: job-retention-ms must be a number from 0 to …
 */
export function checkRetentions(o: Pick<BroadcasterOptions, "outputRetentionMs" | "jobRetentionMs">): void {
  const given = [
    ["output-retention-ms", o.outputRetentionMs],
    ["job-retention-ms", o.jobRetentionMs],
  ] as const;
  for (const [name, ms] of given) {
    if (ms === undefined || (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETENTION_MS)) continue;
    throw new Error(`${name} must be a number from 0 to ${MAX_RETENTION_MS} ms (100 years), got ${ms}`);
  }
}

/** Defaults of every option that has one. */
export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8937,
  discoveryIntervalMs: 10_000,
  infoIntervalMs: 5_000,
  pixelsPerUnit: 1,
  maxAttempts: 3,
  retryBudgetMs: 30_000,
  jobsRetryBudgetMs: 600_000,
  requestTimeoutMs: 300_000,
  answerIdleTimeoutMs: 30_000,
  maxAnswerBytes: 512 * 1024 * 1024,
  maxOutputBytes: 4 * 1024 * 1024 * 1024,
  backoffBaseMs: 1_000,
  backoffMaxMs: 120_000,
  outputRetentionMs: 24 * 3600_000,
  rateLimit: 0,
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 50 * 1024 * 1024,
  shutdownGrace: 10,
  logLevel: "info",
} as const;

/**
 * Refuses a `trustProxy` entry that is not an IP address (or `*`) and a `corsOrigins` entry that is not an origin
 * (or `*`): neither would ever match, so a typo silently left output URLs on the local address, or a browser app
 * without access.
 * @example checkAddressOptions({ corsOrigins: ["https://app.example/"] }) // throws: not an origin, did you mean …
 */
export function checkAddressOptions(o: Pick<BroadcasterOptions, "trustProxy" | "corsOrigins">): void {
  for (const p of o.trustProxy ?? []) {
    if (p !== "*" && isIP(p) === 0) {
      throw new Error(
        `trust-proxy must be the IP address of a proxy (e.g. 10.0.0.5 or ::1) or *, got ${JSON.stringify(p)}`,
      );
    }
  }
  for (const origin of o.corsOrigins ?? []) {
    if (origin === "*") continue;
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (parsed && /^https?:$/.test(parsed.protocol) && parsed.origin === origin) continue;
    const hint = parsed && /^https?:$/.test(parsed.protocol) ? ` (did you mean ${JSON.stringify(parsed.origin)}?)` : "";
    throw new Error(
      `cors-origin must be a web origin, scheme://host[:port] without a path (e.g. https://app.example.com), or *, got ${JSON.stringify(origin)}${hint}`,
    );
  }
}

/**
 * Fills in defaults, normalises the orchestrator list and puts the default models in effect (throws for bad ones).
 * @example resolveOptions({ orchestrators: ["http://127.0.0.1:8935"] }).maxAttempts // 3
 */
export function resolveOptions(o: BroadcasterOptions): ResolvedOptions {
  checkAddressOptions(o);
  checkRetentions(o);
  return {
    ...DEFAULTS,
    outputs: isPostgresUrl(o.jobsDb) ? { kind: "postgres" } : { kind: "local", dir: "outputs" },
    apiKeys: [],
    corsOrigins: [],
    bodyLimits: {},
    logSink: (line) => process.stdout.write(`${line}\n`),
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    // This process's own spool directory, in the given one or the system's temporary one, named after this process
    // so that a start after a kill -9 removes it (see upload-dir.ts); the given directory may be shared.
    uploadDir: `${ownedDirPrefix(UPLOAD_DIR_NAME, o.uploadDir)}${randomBytes(3).toString("hex")}`,
    defaultModels: defaultModelsOf(o.defaultModels),
    orchestrators: (o.orchestrators ?? []).map((e) => (typeof e === "string" ? { url: e } : e)),
  } as ResolvedOptions;
}
