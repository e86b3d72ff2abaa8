/**
 * @module The runner's settings: one name per setting across env var (`MODEL_ID`), flag (`--model-id`) and
 * config file key (`MODEL_ID` in a JSON file given by `--config` / `CONFIG`). Precedence: flag > env > file > default.
 */
import { readFileSync } from "node:fs";

/** Execution providers a runner can ask ONNX Runtime for. */
export type ExecutionProvider = "cpu" | "cuda" | "webgpu";

/** Everything a serving runner is configured with. */
export interface RunnerConfig {
  pipeline: string;
  modelId: string;
  modelDir: string;
  authToken: string;
  port: number;
  host: string;
  queueSize: number;
  executionProvider: ExecutionProvider;
  maxUploadBytes: number;
  maxImageSide: number;
  maxInputPixels: number;
  maxOutputPixels: number;
  tileSize: number;
  tileOverlap: number;
  intraOpThreads: number;
  spinWait: number;
  maxSdWork: number;
  pngCompression: number;
  /** How long `GET /progress/{id}` waits for a job that has not started (default 30 s; not a setting). */
  progressWaitMs?: number;
  /** How long an ended job's last state stays visible to `GET /progress/{id}` (default 60 s; not a setting). */
  progressKeepMs?: number;
}

interface Setting {
  env: string;
  key: keyof RunnerConfig;
  kind: "string" | "int" | "provider";
  default: string;
  help: string;
}

/** The settings table; `--help` is printed from it. */
export const SETTINGS: Setting[] = [
  {
    env: "PIPELINE",
    key: "pipeline",
    kind: "string",
    default: "upscale",
    help: "pipeline to serve (upscale, text-to-image, image-to-image)",
  },
  {
    env: "MODEL_ID",
    key: "modelId",
    kind: "string",
    default: "upscalerjs/esrgan-slim-x4",
    help: "model to load from MODEL_DIR/<MODEL_ID>/",
  },
  { env: "MODEL_DIR", key: "modelDir", kind: "string", default: "/models", help: "the models volume" },
  { env: "AUTH_TOKEN", key: "authToken", kind: "string", default: "", help: "bearer token for generate routes" },
  { env: "PORT", key: "port", kind: "int", default: "8000", help: "listen port (0 = any free port)" },
  { env: "HOST", key: "host", kind: "string", default: "0.0.0.0", help: "listen address" },
  { env: "QUEUE_SIZE", key: "queueSize", kind: "int", default: "8", help: "jobs that may wait; more get 503" },
  {
    env: "EXECUTION_PROVIDER",
    key: "executionProvider",
    kind: "provider",
    default: "cpu",
    help: "cpu, cuda or webgpu (falls back to cpu with a log line)",
  },
  {
    env: "MAX_UPLOAD_BYTES",
    key: "maxUploadBytes",
    kind: "int",
    default: String(50 * 1024 * 1024),
    help: "largest request body (413 above)",
  },
  { env: "MAX_IMAGE_SIDE", key: "maxImageSide", kind: "int", default: "4096", help: "largest input side in px (413)" },
  {
    env: "MAX_INPUT_PIXELS",
    key: "maxInputPixels",
    kind: "int",
    default: String(2048 * 2048),
    help: "largest input width×height (413)",
  },
  {
    env: "MAX_OUTPUT_PIXELS",
    key: "maxOutputPixels",
    kind: "int",
    default: String(8192 * 8192),
    help: "largest upscaled width×height (413)",
  },
  { env: "TILE_SIZE", key: "tileSize", kind: "int", default: "256", help: "input tile side in px for large images" },
  { env: "TILE_OVERLAP", key: "tileOverlap", kind: "int", default: "16", help: "context px around each tile" },
  {
    env: "INTRA_OP_THREADS",
    key: "intraOpThreads",
    kind: "int",
    default: "0",
    help: "ONNX Runtime threads (0 = one per core)",
  },
  {
    env: "SPIN_WAIT",
    key: "spinWait",
    kind: "int",
    default: "0",
    help: "1 = ONNX Runtime threads busy-wait between operators: slightly lower latency on a dedicated machine, but they burn the CPU the HTTP thread and other processes need",
  },
  {
    env: "MAX_SD_WORK",
    key: "maxSdWork",
    kind: "int",
    default: String(1024 * 1024 * 4 * 50),
    help: "text-to-image / image-to-image: largest width×height×images×steps of a request (400 above)",
  },
  {
    env: "PNG_COMPRESSION",
    key: "pngCompression",
    kind: "int",
    default: "1",
    help: "zlib level of output PNGs, 0-9 (higher: smaller, slower; 1 keeps encoding ~7 ms per megapixel)",
  },
];

/** `MODEL_ID` → `--model-id`. */
export function flagName(env: string): string {
  return `--${env.toLowerCase().replaceAll("_", "-")}`;
}

/**
 * Parses flags (`--model-id x` or `--model-id=x`) into `{MODEL_ID: "x"}`; unknown flags throw.
 * @example parseFlags(["--port", "0"]) // { PORT: "0" }
 */
export function parseFlags(args: string[], known: string[] = [...SETTINGS.map((s) => s.env), "CONFIG"]) {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    const env = known.find((k) => flagName(k) === flag);
    if (!env) throw new Error(`unknown flag ${flag} (see --help)`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    out[env] = value;
  }
  return out;
}

/**
 * Resolves the configuration from flags, the environment and an optional JSON config file.
 * @example loadConfig(["--port", "0"], process.env)
 */
export function loadConfig(args: string[], env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const flags = parseFlags(args);
  const file = flags.CONFIG ?? env.CONFIG;
  const fromFile: Record<string, unknown> = file ? JSON.parse(readFileSync(file, "utf8")) : {};
  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = flags[s.env] ?? env[s.env] ?? (fromFile[s.env] === undefined ? undefined : String(fromFile[s.env]));
    config[s.key] = parseValue(s, raw ?? s.default);
  }
  return config as unknown as RunnerConfig;
}

function parseValue(s: Setting, raw: string): unknown {
  if (s.kind === "int") {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${s.env} must be a whole number ≥ 0, got ${JSON.stringify(raw)}`);
    if (s.env === "PNG_COMPRESSION" && n > 9) throw new Error(`PNG_COMPRESSION must be 0-9, got ${n}`);
    return n;
  }
  if (s.kind === "provider") {
    const v = raw.trim().toLowerCase();
    if (v !== "cpu" && v !== "cuda" && v !== "webgpu") {
      throw new Error(`${s.env} must be cpu, cuda or webgpu, got ${JSON.stringify(raw)}`);
    }
    return v;
  }
  return raw;
}

/** The settings part of `--help`. */
export function settingsHelp(): string {
  return SETTINGS.map((s) => {
    const names = `${flagName(s.env)} / ${s.env}`;
    return `  ${names.padEnd(44)} ${s.help} (default: ${s.default === "" ? '""' : s.default})`;
  }).join("\n");
}
