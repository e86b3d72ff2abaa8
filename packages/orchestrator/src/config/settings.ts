/**
 * @module The orchestrator's settings: one name per setting across flag (`--models-dir`), env var
 * (`AVS_ORCHESTRATOR_MODELS_DIR`) and settings file key (`"models-dir"` in the JSON file given by `--settings`).
 * Precedence: flag > env > settings file > default. `--help` is printed from the same table.
 */
import { readFileSync } from "node:fs";
import type { LogLevel } from "../internal/log.js";
import type { MediaDelivery } from "../outputs/deliver-media.js";
import { ConfigError } from "./ai-models.js";

type Kind = "string" | "number" | "choice";

interface Setting {
  name: string;
  kind: Kind;
  choices?: string[];
  default?: string;
  help: string;
}

/** Every setting of `avs-orchestrator`. */
export const SETTINGS: Setting[] = [
  { name: "config", kind: "string", default: "aiModels.json", help: "the model list (Livepeer aiModels.json shape)" },
  { name: "models-dir", kind: "string", default: "./models", help: "shared models directory, mounted into runners" },
  { name: "host", kind: "string", default: "127.0.0.1", help: "listen address (0.0.0.0 for all interfaces)" },
  { name: "port", kind: "number", default: "8935", help: "listen port (0 = any free port)" },
  { name: "secret", kind: "string", help: "bearer secret broadcasters send on job routes (none = open)" },
  { name: "public-url", kind: "string", help: "base of stored media URLs (default http://<host>:<port>)" },
  { name: "launcher", kind: "choice", choices: ["process", "docker"], default: "process", help: "how runners start" },
  { name: "gpus", kind: "string", default: "", help: "GPU ids, e.g. 0,1 (none = CPU only)" },
  { name: "runners-per-gpu", kind: "number", default: "1", help: "runners one GPU (or the CPU) holds at once" },
  { name: "runner-command", kind: "string", help: "process launcher: command of avs-runner (default: bundled)" },
  { name: "runner-image", kind: "string", default: "ai-video-subnet/runner:latest", help: "docker: runner image" },
  {
    name: "docker-network",
    kind: "choice",
    choices: ["bridge", "host"],
    default: "bridge",
    help: "docker: bridge (port published on 127.0.0.1) or host",
  },
  { name: "docker-socket", kind: "string", default: "/var/run/docker.sock", help: "docker: daemon socket" },
  { name: "name", kind: "string", default: "avs", help: "orchestrator name on container labels (cleanup scope)" },
  {
    name: "media-delivery",
    kind: "choice",
    choices: ["url", "data"],
    default: "url",
    help: "url: media as URLs served from /outputs; data: inline data: URLs",
  },
  { name: "outputs-dir", kind: "string", help: "where stored media go (default: a temporary directory)" },
  { name: "output-retention", kind: "number", default: "3600", help: "seconds stored media stay available" },
  {
    name: "output-memory-bytes",
    kind: "number",
    default: String(256 * 1024 * 1024),
    help: "stored media kept in memory before the oldest go to outputs-dir",
  },
  { name: "start-timeout", kind: "number", default: "300", help: "seconds a runner has to become ready" },
  { name: "job-timeout", kind: "number", default: "600", help: "seconds a job may run on a runner" },
  { name: "health-interval", kind: "number", default: "5", help: "seconds between runner health checks" },
  { name: "retry-after", kind: "number", default: "1", help: "seconds in Retry-After of refused jobs" },
  { name: "max-upload-bytes", kind: "number", default: String(64 * 1024 * 1024), help: "largest job body" },
  { name: "shutdown-grace", kind: "number", default: "30", help: "seconds in-flight jobs get on stop" },
  {
    name: "log-level",
    kind: "choice",
    choices: ["debug", "info", "warn", "error"],
    default: "info",
    help: "least severe log level written",
  },
];

/** The env var of a setting: `AVS_ORCHESTRATOR_` + upper snake case. */
export function envName(setting: string): string {
  return `AVS_ORCHESTRATOR_${setting.toUpperCase().replace(/-/g, "_")}`;
}

/** Settings after precedence, as typed values. */
export interface Settings {
  config: string;
  modelsDir: string;
  host: string;
  port: number;
  secret?: string;
  publicUrl?: string;
  launcher: "process" | "docker";
  gpus: string;
  runnersPerGpu: number;
  runnerCommand?: string[];
  runnerImage: string;
  dockerNetwork: "bridge" | "host";
  dockerSocket: string;
  name: string;
  mediaDelivery: MediaDelivery;
  outputsDir?: string;
  outputRetention: number;
  outputMemoryBytes: number;
  startTimeout: number;
  jobTimeout: number;
  healthInterval: number;
  retryAfter: number;
  maxUploadBytes: number;
  shutdownGrace: number;
  logLevel: LogLevel;
}

/**
 * Resolves every setting from flags, env and the settings file. Throws ConfigError naming the setting.
 * @example resolveSettings(["--port", "0", "--config", "aiModels.json"], process.env)
 */
export function resolveSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flags = parseArgs(argv);
  const fileName = flags.settings ?? env.AVS_ORCHESTRATOR_SETTINGS;
  delete flags.settings;
  const file = fileName ? readSettingsFile(fileName) : {};
  const raw: Record<string, string | undefined> = {};
  for (const s of SETTINGS) {
    raw[s.name] = flags[s.name] ?? env[envName(s.name)] ?? file[s.name] ?? s.default;
  }
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = raw[s.name];
    if (v === undefined || (v === "" && s.kind !== "string")) continue;
    const key = s.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (s.kind === "number") {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0)
        throw new ConfigError(`${s.name} must be a number ≥ 0, got ${JSON.stringify(v)}`);
      out[key] = n;
    } else if (s.kind === "choice") {
      if (!s.choices!.includes(v)) {
        throw new ConfigError(`${s.name} must be one of ${s.choices!.join(", ")}, got ${JSON.stringify(v)}`);
      }
      out[key] = v;
    } else if (s.name === "runner-command") {
      out[key] = v.split(" ").filter(Boolean);
    } else {
      out[key] = v;
    }
  }
  return out as unknown as Settings;
}

function parseArgs(argv: string[]): Record<string, string> {
  const known = new Set([...SETTINGS.map((s) => s.name), "settings"]);
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.has(name)) throw new ConfigError(`unknown flag --${name} (see --help)`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

function readSettingsFile(path: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read the settings file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`the settings file ${path} must hold a JSON object of setting names`);
  }
  const known = new Set(SETTINGS.map((s) => s.name));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!known.has(k)) throw new ConfigError(`the settings file ${path} has an unknown setting "${k}"`);
    out[k] = Array.isArray(v) ? v.join(",") : String(v);
  }
  return out;
}

/** The settings table of `--help`. */
export function settingsHelp(): string {
  return SETTINGS.map((s) => {
    const flag = `--${s.name} <${s.choices ? s.choices.join("|") : s.kind === "number" ? "n" : "value"}>`;
    const def = s.default !== undefined && s.default !== "" ? ` (default ${s.default})` : "";
    return `  ${flag.padEnd(34)} ${s.help}${def}\n  ${"".padEnd(34)} env ${envName(s.name)}`;
  }).join("\n");
}
