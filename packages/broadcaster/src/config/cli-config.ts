/**
 * @module Configuration from flags, environment and a JSON config file, read by the server kit's one settings
 * parser with one name per setting: flag `--request-timeout-ms`, env `AVS_BROADCASTER_REQUEST_TIMEOUT_MS`, config
 * key `"request-timeout-ms"`. Precedence: flag > env > config file > default.
 */
import {
  CONNECTION_SETTINGS,
  connectionLimitsOf,
  parseSettings,
  type Setting,
  type SettingsSchema,
  settingsHelp,
} from "@ai-video-subnet/server-kit";
import pkg from "../../package.json" with { type: "json" };
import { ASYNC_JOB_SETTINGS, asyncJobOptions } from "../async-jobs/cli-settings.js";
import { isPostgresUrl } from "../async-jobs/options.js";
import { DEFAULT_MODEL_SETTING, parseDefaultModels } from "../jobs/default-models.js";
import { outputAddresses } from "../jobs/outputs.js";
import { type BroadcasterOptions, checkAddressOptions, DEFAULTS, MAX_RETENTION_MS } from "../options.js";
import { CredentialsInAddress, endpoint, hasCredentials } from "../orchestrators/sources.js";
import { checkedApiKey, parseBodyLimits } from "./list-settings.js";

const MB = 1024 * 1024;

/** Every setting, in `--help` order. Defaults are shown here and applied by `createBroadcaster`. */
export const SETTINGS = [
  { name: "host", kind: "string", help: "address to listen on", shownDefault: DEFAULTS.host },
  {
    name: "port",
    kind: "integer",
    unit: "port",
    help: "port to listen on, 0-65535 (0 = any free port)",
    shownDefault: String(DEFAULTS.port),
  },
  {
    name: "public-url",
    kind: "url",
    help: "base URL clients reach this gateway at, for output URLs (an absolute http(s) URL)",
    shownDefault: "the address the request arrived at (never its Host header)",
  },
  {
    name: "trust-proxy",
    kind: "list",
    help: "address of a reverse proxy whose X-Forwarded-Host/-Proto set output URLs when public-url is unset (repeat; * = any)",
  },
  {
    name: "orchestrator",
    kind: "list",
    help: "orchestrator URL, without user name or password (repeat the flag; comma-separated in env; in the config file strings or {url, secret})",
  },
  {
    name: "orchestrator-secret",
    kind: "token",
    help: "bearer secret sent to orchestrators without their own: letters, digits, -._~+/ then = padding (RFC 6750)",
  },
  {
    name: "orchestrators-file",
    kind: "string",
    help: 'JSON file [{"address": "...", "secret"?: "..."}], re-read when it changes',
  },
  { name: "discovery-url", kind: "url", help: 'absolute http(s) URL answering [{"address": "..."}], polled' },
  {
    name: "discovery-interval-ms",
    kind: "number",
    unit: "ms",
    min: 1,
    help: "how often the discovery URL is read",
    shownDefault: String(DEFAULTS.discoveryIntervalMs),
  },
  {
    name: "info-interval-ms",
    kind: "number",
    unit: "ms",
    min: 1,
    help: "how often each orchestrator's /info is polled",
    shownDefault: String(DEFAULTS.infoIntervalMs),
  },
  {
    name: "max-price-per-unit",
    kind: "number",
    help: "largest price accepted per --pixels-per-unit pixels × steps",
    shownDefault: "no cap",
  },
  {
    name: "pixels-per-unit",
    kind: "number",
    min: 1,
    help: "pixels × steps that --max-price-per-unit is quoted for",
    shownDefault: String(DEFAULTS.pixelsPerUnit),
  },
  DEFAULT_MODEL_SETTING,
  {
    name: "max-attempts",
    kind: "integer",
    unit: "count",
    min: 1,
    help: "failed attempts per job across orchestrators (a busy answer, 503 or 429, is not one)",
    shownDefault: String(DEFAULTS.maxAttempts),
  },
  {
    name: "retry-budget-ms",
    kind: "number",
    unit: "ms",
    help: "how long a job may wait for a busy or full orchestrator and retry: no new attempt or wait after this long (0 = one attempt, no retry or wait)",
    shownDefault: String(DEFAULTS.retryBudgetMs),
  },
  {
    name: "jobs-retry-budget-ms",
    kind: "number",
    unit: "ms",
    help: "the same for an async job, from when it starts running (it waits for capacity rather than fail)",
    shownDefault: String(DEFAULTS.jobsRetryBudgetMs),
  },
  {
    name: "request-timeout-ms",
    kind: "number",
    unit: "ms",
    min: 1,
    help: "longest one attempt on one orchestrator may take",
    shownDefault: String(DEFAULTS.requestTimeoutMs),
  },
  {
    name: "answer-idle-timeout-ms",
    kind: "number",
    unit: "ms",
    min: 1,
    help: "longest silence in a job answer once its headers came; past it the attempt fails and the orchestrator is held back longer each time",
    shownDefault: String(DEFAULTS.answerIdleTimeoutMs),
  },
  {
    name: "max-answer-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1024,
    help: "largest job answer read from an orchestrator (held in memory; inline outputs as base64 included); past it the attempt fails as a bad answer",
    shownDefault: `${DEFAULTS.maxAnswerBytes} (${DEFAULTS.maxAnswerBytes / MB} MiB)`,
  },
  {
    name: "max-output-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1024,
    help: "largest single output copied from an orchestrator into the store; past it the attempt fails as a bad answer",
    shownDefault: `${DEFAULTS.maxOutputBytes} (${DEFAULTS.maxOutputBytes / MB / 1024} GiB)`,
  },
  {
    name: "output-allow-networks",
    kind: "list",
    help: "a CIDR or address output URLs off an orchestrator's own origin may reach besides public addresses, e.g. 10.0.0.0/8 (repeat; comma-separated in env; 0.0.0.0/0,::/0 = any); loopback, private, link-local and other special-purpose addresses are refused otherwise",
    shownDefault: "none",
  },
  {
    name: "backoff-base-ms",
    kind: "number",
    unit: "ms",
    help: "first hold-back of a failing orchestrator (doubles per failure; 0 = none)",
    shownDefault: String(DEFAULTS.backoffBaseMs),
  },
  {
    name: "backoff-max-ms",
    kind: "number",
    unit: "ms",
    help: "longest hold-back",
    shownDefault: String(DEFAULTS.backoffMaxMs),
  },
  {
    name: "output-dir",
    kind: "string",
    help: "directory of the local output store; setting it selects that store, over a postgres:// jobs-db too (with a warning at start: other broadcasters cannot serve its outputs)",
    shownDefault: "outputs",
  },
  {
    name: "upload-dir",
    kind: "string",
    help: "where upload bodies over 4 MiB (and file parts over 4 MiB) are spooled while their job runs (files 0600), in a directory of this broadcaster's own inside it, removed on stop; those of killed broadcasters are removed at start (share a directory on one host only)",
    shownDefault: "a new 0700 directory under the system temp dir, removed on stop",
  },
  {
    name: "output-store",
    kind: "choice",
    choices: ["local", "s3", "postgres"],
    help: "local, s3 or postgres (the jobs-db database; for several broadcasters without a shared disk); wins over s3-endpoint and output-dir",
    shownDefault:
      "s3 with s3-endpoint, else local with output-dir, else postgres with a postgres:// jobs-db, else local",
  },
  {
    name: "output-retention-ms",
    kind: "number",
    unit: "ms",
    min: 1000,
    max: MAX_RETENTION_MS,
    help: "how long the outputs stored here are kept (a second to 100 years)",
    shownDefault: String(DEFAULTS.outputRetentionMs),
  },
  {
    name: "s3-endpoint",
    kind: "string",
    help: "S3-compatible endpoint; setting it selects the S3 store (over output-dir)",
  },
  { name: "s3-bucket", kind: "string", help: "bucket of the S3 store" },
  { name: "s3-region", kind: "string", help: "region the S3 signature is scoped to", shownDefault: "us-east-1" },
  { name: "s3-access-key-id", kind: "string", help: "access key id of the S3 store" },
  { name: "s3-secret-access-key", kind: "string", help: "secret access key of the S3 store" },
  { name: "s3-prefix", kind: "string", help: "key prefix inside the bucket", shownDefault: "outputs/" },
  {
    name: "api-key",
    kind: "list",
    help: "an accepted API key, of RFC 6750's token characters (repeat; comma-separated in env); any key set = keys required",
  },
  {
    name: "cors-origin",
    kind: "list",
    help: "a web origin browsers may call this API from (repeat; comma-separated in env; * = any)",
    shownDefault: "none",
  },
  { name: "api-keys-file", kind: "string", help: "file with one API key a line (# comments), re-read when it changes" },
  {
    name: "rate-limit",
    kind: "integer",
    unit: "count",
    help: "requests per minute per API key (per address without keys); 0 = off",
    shownDefault: "0",
  },
  {
    name: "max-json-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1,
    help: "largest JSON body",
    shownDefault: String(DEFAULTS.maxJsonBytes),
  },
  {
    name: "max-upload-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1,
    help: "largest multipart upload",
    shownDefault: `${DEFAULTS.maxUploadBytes} (${DEFAULTS.maxUploadBytes / MB} MiB)`,
  },
  { name: "body-limit", kind: "list", help: "per-route limit as /route=bytes, e.g. /upscale=20971520 (repeat)" },
  {
    name: "shutdown-grace",
    kind: "number",
    unit: "s",
    help: "seconds in-flight requests and running async jobs get on stop; then connections are cut and async jobs still running go back to the queue (0 = at once)",
    shownDefault: String(DEFAULTS.shutdownGrace),
  },
  {
    name: "log-level",
    kind: "choice",
    choices: ["debug", "info", "warn", "error", "silent"],
    help: "least severe log level written",
    shownDefault: DEFAULTS.logLevel,
  },
  ...CONNECTION_SETTINGS,
  ...ASYNC_JOB_SETTINGS,
] as const satisfies readonly Setting[];

/** The broadcaster's settings schema: env vars `AVS_BROADCASTER_*`, the JSON file given by `--config`. */
export const BROADCASTER_SETTINGS = {
  envPrefix: "AVS_BROADCASTER_",
  file: "config",
  settings: SETTINGS,
} as const satisfies SettingsSchema;

/** The `--help` text. */
export const HELP = `avs-broadcaster ${pkg.version} — the AI Video Subnet public gateway

Usage: avs-broadcaster [--port <n>] [--orchestrator <url> ...] [--orchestrator-secret <s>] [options]

Every setting is a flag, an environment variable and a config-file key of the same name:
--request-timeout-ms 5000 = AVS_BROADCASTER_REQUEST_TIMEOUT_MS=5000 = {"request-timeout-ms": 5000}.
Precedence: flag, then environment, then config file, then default.

${settingsHelp(BROADCASTER_SETTINGS)}
  --help                                        this text
  --version                                     the version
`;

/**
 * Parses flags, environment and the config file into broadcaster options.
 * @example parseConfig(["--port", "0", "--orchestrator", "http://127.0.0.1:8935"], {}).options.port // 0
 */
export function parseConfig(
  argv: string[],
  env: Record<string, string | undefined>,
): { help: boolean; options: BroadcasterOptions } {
  const { help, values: v } = parseSettings(BROADCASTER_SETTINGS, argv, env);
  if (help) return { help, options: {} };
  const entries = v.orchestrator?.map((e): { url: string; secret?: unknown } => {
    if (typeof e === "string") return { url: e };
    const o = e as { url?: unknown; secret?: unknown };
    if (typeof o.url !== "string")
      throw new Error(`orchestrator entries must be URLs or {url, secret}, got ${JSON.stringify(e)}`);
    return { url: o.url, secret: o.secret };
  });
  for (const o of entries ?? []) {
    if (hasCredentials(o.url)) throw new CredentialsInAddress("orchestrator", o.url);
    if (!/^https?:\/\/[^/]+/.test(o.url))
      throw new Error(`orchestrator must be an http(s) URL, got ${JSON.stringify(o.url)}`);
  }
  // Checked once the address is known to hold no password: the message shows it.
  const orchestrators = entries?.map((o) => endpoint(o.url, o.secret, `orchestrator ${o.url}`));
  const bodyLimits = parseBodyLimits(v["body-limit"] ?? []);
  const defaultModels = v["default-model"] && parseDefaultModels(v["default-model"]);
  checkAddressOptions({ trustProxy: v["trust-proxy"]?.map(String), corsOrigins: v["cors-origin"]?.map(String) });
  const outputAllowNetworks = v["output-allow-networks"]?.map(String);
  if (outputAllowNetworks) outputAddresses(outputAllowNetworks); // a bad entry stops the start with its name
  const outputStore = v["output-store"];
  if (outputStore === "s3" && !v["s3-endpoint"]) throw new Error("output-store s3 needs s3-endpoint");
  if (outputStore === "postgres" && !isPostgresUrl(v["jobs-db"])) {
    throw new Error("output-store postgres keeps outputs in the jobs-db database: set jobs-db to a postgres:// URL");
  }
  // Which store: output-store when set; else the one an explicit setting names (s3-endpoint, then output-dir);
  // else resolveOptions' default (postgres with a postgres:// jobs-db, else local). A local store on a shared job
  // store is warned about at start.
  let outputs: BroadcasterOptions["outputs"];
  if (outputStore === "postgres") outputs = { kind: "postgres" };
  else if (outputStore === "local") outputs = { kind: "local", dir: v["output-dir"] ?? "outputs" };
  else if (v["s3-endpoint"]) {
    const need = (name: "s3-bucket" | "s3-access-key-id" | "s3-secret-access-key") => {
      const value = v[name];
      if (!value) throw new Error(`${name} is required with s3-endpoint`);
      return value;
    };
    outputs = {
      kind: "s3",
      endpoint: v["s3-endpoint"],
      bucket: need("s3-bucket"),
      region: v["s3-region"] ?? "us-east-1",
      accessKeyId: need("s3-access-key-id"),
      secretAccessKey: need("s3-secret-access-key"),
      prefix: v["s3-prefix"],
    };
  } else if (v["output-dir"]) outputs = { kind: "local", dir: v["output-dir"] };
  return {
    help,
    options: {
      host: v.host,
      port: v.port,
      publicUrl: v["public-url"],
      trustProxy: v["trust-proxy"]?.map(String),
      metricsToken: v["metrics-token"],
      connectionLimits: connectionLimitsOf(v),
      orchestrators,
      orchestratorSecret: v["orchestrator-secret"],
      orchestratorsFile: v["orchestrators-file"],
      discoveryUrl: v["discovery-url"],
      discoveryIntervalMs: v["discovery-interval-ms"],
      infoIntervalMs: v["info-interval-ms"],
      maxPricePerUnit: v["max-price-per-unit"],
      pixelsPerUnit: v["pixels-per-unit"],
      defaultModels,
      maxAttempts: v["max-attempts"],
      retryBudgetMs: v["retry-budget-ms"],
      jobsRetryBudgetMs: v["jobs-retry-budget-ms"],
      requestTimeoutMs: v["request-timeout-ms"],
      maxAnswerBytes: v["max-answer-bytes"],
      answerIdleTimeoutMs: v["answer-idle-timeout-ms"],
      maxOutputBytes: v["max-output-bytes"],
      outputAllowNetworks,
      backoffBaseMs: v["backoff-base-ms"],
      backoffMaxMs: v["backoff-max-ms"],
      outputs,
      outputRetentionMs: v["output-retention-ms"],
      uploadDir: v["upload-dir"],
      apiKeys: v["api-key"]?.map(checkedApiKey),
      apiKeysFile: v["api-keys-file"],
      corsOrigins: v["cors-origin"]?.map(String),
      rateLimit: v["rate-limit"],
      maxJsonBytes: v["max-json-bytes"],
      maxUploadBytes: v["max-upload-bytes"],
      bodyLimits,
      shutdownGrace: v["shutdown-grace"],
      logLevel: v["log-level"] as BroadcasterOptions["logLevel"],
      ...asyncJobOptions(v),
    },
  };
}
