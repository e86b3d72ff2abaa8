/**
 * @module Configuration from flags, environment and a JSON config file, with one name per setting:
 * flag `--request-timeout-ms`, env `AVS_BROADCASTER_REQUEST_TIMEOUT_MS`, config key `"request-timeout-ms"`.
 * Precedence: flag > env > config file > default.
 */
import { readFileSync } from "node:fs";
import { type BroadcasterOptions, DEFAULTS, type OrchestratorEndpoint } from "../options.js";

type Kind = "string" | "number" | "list";

interface Setting {
  name: string;
  kind: Kind;
  help: string;
  default?: string;
}

const MB = 1024 * 1024;

/** Every setting, in `--help` order. */
export const SETTINGS: Setting[] = [
  { name: "config", kind: "string", help: "JSON config file with any of these settings as keys" },
  { name: "host", kind: "string", help: "address to listen on", default: DEFAULTS.host },
  { name: "port", kind: "number", help: "port to listen on (0 = any free port)", default: String(DEFAULTS.port) },
  {
    name: "public-url",
    kind: "string",
    help: "base URL clients reach this gateway at, for output URLs",
    default: "the request's origin",
  },
  {
    name: "orchestrator",
    kind: "list",
    help: "orchestrator URL (repeat the flag; comma-separated in env; in the config file strings or {url, secret})",
  },
  { name: "orchestrator-secret", kind: "string", help: "bearer secret sent to orchestrators without their own" },
  {
    name: "orchestrators-file",
    kind: "string",
    help: 'JSON file [{"address": "...", "secret"?: "..."}], re-read when it changes',
  },
  { name: "discovery-url", kind: "string", help: 'URL answering [{"address": "..."}], polled' },
  {
    name: "discovery-interval-ms",
    kind: "number",
    help: "how often the discovery URL is read",
    default: String(DEFAULTS.discoveryIntervalMs),
  },
  {
    name: "info-interval-ms",
    kind: "number",
    help: "how often each orchestrator's /info is polled",
    default: String(DEFAULTS.infoIntervalMs),
  },
  {
    name: "max-price-per-unit",
    kind: "number",
    help: "largest price accepted per --pixels-per-unit pixels × steps",
    default: "no cap",
  },
  {
    name: "pixels-per-unit",
    kind: "number",
    help: "pixels × steps that --max-price-per-unit is quoted for",
    default: String(DEFAULTS.pixelsPerUnit),
  },
  {
    name: "max-attempts",
    kind: "number",
    help: "attempts per job across orchestrators",
    default: String(DEFAULTS.maxAttempts),
  },
  {
    name: "retry-budget-ms",
    kind: "number",
    help: "no new attempt starts this long after the job arrived",
    default: String(DEFAULTS.retryBudgetMs),
  },
  {
    name: "request-timeout-ms",
    kind: "number",
    help: "longest one attempt on one orchestrator may take",
    default: String(DEFAULTS.requestTimeoutMs),
  },
  {
    name: "backoff-base-ms",
    kind: "number",
    help: "first hold-back of a failing orchestrator (doubles per failure)",
    default: String(DEFAULTS.backoffBaseMs),
  },
  { name: "backoff-max-ms", kind: "number", help: "longest hold-back", default: String(DEFAULTS.backoffMaxMs) },
  { name: "output-dir", kind: "string", help: "directory of the local output store", default: "outputs" },
  {
    name: "output-retention-ms",
    kind: "number",
    help: "how long outputs are kept",
    default: String(DEFAULTS.outputRetentionMs),
  },
  { name: "s3-endpoint", kind: "string", help: "S3-compatible endpoint; setting it selects the S3 store" },
  { name: "s3-bucket", kind: "string", help: "bucket of the S3 store" },
  { name: "s3-region", kind: "string", help: "region the S3 signature is scoped to", default: "us-east-1" },
  { name: "s3-access-key-id", kind: "string", help: "access key id of the S3 store" },
  { name: "s3-secret-access-key", kind: "string", help: "secret access key of the S3 store" },
  { name: "s3-prefix", kind: "string", help: "key prefix inside the bucket", default: "outputs/" },
  {
    name: "api-key",
    kind: "list",
    help: "an accepted API key (repeat; comma-separated in env); any key set = keys required",
  },
  {
    name: "cors-origin",
    kind: "list",
    help: "a web origin browsers may call this API from (repeat; comma-separated in env; * = any)",
    default: "none",
  },
  { name: "api-keys-file", kind: "string", help: "file with one API key a line (# comments), re-read when it changes" },
  {
    name: "rate-limit",
    kind: "number",
    help: "requests per minute per API key (per address without keys); 0 = off",
    default: "0",
  },
  { name: "max-json-bytes", kind: "number", help: "largest JSON body", default: String(DEFAULTS.maxJsonBytes) },
  {
    name: "max-upload-bytes",
    kind: "number",
    help: "largest multipart upload",
    default: `${DEFAULTS.maxUploadBytes} (${DEFAULTS.maxUploadBytes / MB} MiB)`,
  },
  { name: "body-limit", kind: "list", help: "per-route limit as /route=bytes, e.g. /upscale=20971520 (repeat)" },
  { name: "log-level", kind: "string", help: "debug, info, warn, error or silent", default: DEFAULTS.logLevel },
];

const envName = (name: string) => `AVS_BROADCASTER_${name.replace(/-/g, "_").toUpperCase()}`;

/** The `--help` text. */
export const HELP = `avs-broadcaster — the AI Video Subnet public gateway

Usage: avs-broadcaster [--port <n>] --orchestrator <url> [--orchestrator <url> ...] [--orchestrator-secret <s>] [options]

Every setting is a flag, an environment variable and a config-file key of the same name:
--request-timeout-ms 5000 = AVS_BROADCASTER_REQUEST_TIMEOUT_MS=5000 = {"request-timeout-ms": 5000}.
Precedence: flag, then environment, then config file, then default.

${SETTINGS.map((s) => {
  const flag = `  --${s.name}${s.kind === "number" ? " <n>" : s.kind === "list" ? " <v>" : " <s>"}`;
  return `${flag.padEnd(34)}${s.help}${s.default ? ` (default ${s.default})` : ""}\n${"".padEnd(34)}env ${envName(s.name)}`;
}).join("\n")}
  --help                          this text
`;

type Raw = Record<string, unknown>;

/**
 * Parses flags, environment and the config file into broadcaster options.
 * @example parseConfig(["--port", "0", "--orchestrator", "http://127.0.0.1:8935"], {}).options.port // 0
 */
export function parseConfig(
  argv: string[],
  env: Record<string, string | undefined>,
): { help: boolean; options: BroadcasterOptions } {
  const flags: Raw = {};
  const byName = new Map(SETTINGS.map((s) => [s.name, s]));
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const setting = m ? byName.get(m[1]!) : undefined;
    if (!m || !setting) throw new Error(`unknown argument ${arg}; see --help`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${setting.name} needs a value`);
    if (setting.kind === "list") flags[setting.name] = [...((flags[setting.name] as string[]) ?? []), value];
    else flags[setting.name] = value;
  }
  const fromEnv: Raw = {};
  for (const s of SETTINGS) {
    const v = env[envName(s.name)];
    if (v !== undefined && v !== "")
      fromEnv[s.name] =
        s.kind === "list"
          ? v
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean)
          : v;
  }
  const configPath = (flags.config ?? fromEnv.config) as string | undefined;
  let fromFile: Raw = {};
  if (configPath) {
    try {
      fromFile = JSON.parse(readFileSync(configPath, "utf8")) as Raw;
    } catch (err) {
      throw new Error(`config file ${configPath}: ${(err as Error).message}`, { cause: err });
    }
    for (const key of Object.keys(fromFile)) {
      if (!byName.has(key)) throw new Error(`config file ${configPath}: unknown setting "${key}"; see --help`);
    }
  }
  const get = (name: string): unknown => flags[name] ?? fromEnv[name] ?? fromFile[name];
  const str = (name: string) => {
    const v = get(name);
    return v === undefined ? undefined : String(v);
  };
  const num = (name: string) => {
    const v = get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got ${JSON.stringify(v)}`);
    return n;
  };
  const list = (name: string) => {
    const v = get(name);
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
  };
  const orchestrators = list("orchestrator")?.map((e): OrchestratorEndpoint => {
    if (typeof e === "string") return { url: e };
    const o = e as { url?: unknown; secret?: unknown };
    if (typeof o.url !== "string")
      throw new Error(`orchestrator entries must be URLs or {url, secret}, got ${JSON.stringify(e)}`);
    return o.secret === undefined ? { url: o.url } : { url: o.url, secret: String(o.secret) };
  });
  for (const o of orchestrators ?? []) {
    if (!/^https?:\/\/[^/]+/.test(o.url))
      throw new Error(`orchestrator must be an http(s) URL, got ${JSON.stringify(o.url)}`);
  }
  const bodyLimits = Object.fromEntries(
    (list("body-limit") ?? []).map((e) => {
      const m = /^(\/[a-z0-9-]+)=(\d+)$/.exec(String(e));
      if (!m) throw new Error(`body-limit must look like /upscale=20971520, got ${JSON.stringify(e)}`);
      return [m[1]!, Number(m[2])];
    }),
  );
  const logLevel = str("log-level");
  if (logLevel && !["debug", "info", "warn", "error", "silent"].includes(logLevel)) {
    throw new Error(`log-level must be debug, info, warn, error or silent, got ${JSON.stringify(logLevel)}`);
  }
  const s3Endpoint = str("s3-endpoint");
  let outputs: BroadcasterOptions["outputs"];
  if (s3Endpoint) {
    const need = (name: string) => {
      const v = str(name);
      if (!v) throw new Error(`${name} is required with s3-endpoint`);
      return v;
    };
    outputs = {
      kind: "s3",
      endpoint: s3Endpoint,
      bucket: need("s3-bucket"),
      region: str("s3-region") ?? "us-east-1",
      accessKeyId: need("s3-access-key-id"),
      secretAccessKey: need("s3-secret-access-key"),
      prefix: str("s3-prefix"),
    };
  } else if (str("output-dir")) outputs = { kind: "local", dir: str("output-dir")! };
  return {
    help,
    options: {
      host: str("host"),
      port: num("port"),
      publicUrl: str("public-url"),
      orchestrators,
      orchestratorSecret: str("orchestrator-secret"),
      orchestratorsFile: str("orchestrators-file"),
      discoveryUrl: str("discovery-url"),
      discoveryIntervalMs: num("discovery-interval-ms"),
      infoIntervalMs: num("info-interval-ms"),
      maxPricePerUnit: num("max-price-per-unit"),
      pixelsPerUnit: num("pixels-per-unit"),
      maxAttempts: num("max-attempts"),
      retryBudgetMs: num("retry-budget-ms"),
      requestTimeoutMs: num("request-timeout-ms"),
      backoffBaseMs: num("backoff-base-ms"),
      backoffMaxMs: num("backoff-max-ms"),
      outputs,
      outputRetentionMs: num("output-retention-ms"),
      uploadDir: str("upload-dir"),
      apiKeys: list("api-key")?.map(String),
      apiKeysFile: str("api-keys-file"),
      corsOrigins: list("cors-origin")?.map(String),
      rateLimit: num("rate-limit"),
      maxJsonBytes: num("max-json-bytes"),
      maxUploadBytes: num("max-upload-bytes"),
      bodyLimits,
      logLevel: logLevel as BroadcasterOptions["logLevel"],
    },
  };
}
