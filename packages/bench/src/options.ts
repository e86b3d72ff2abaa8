/**
 * @module avs-bench's settings: one name per setting across flag (`--model-id`), env var (`AVS_BENCH_MODEL_ID`)
 * and JSON settings file key (`"model-id"`, file given by `--settings`). Precedence: flag > env > file > default.
 */
import { readFileSync } from "node:fs";
import { PIPELINES, type Pipeline } from "./workload/job-request.js";

interface Setting {
  name: string;
  help: string;
  default?: string;
}

/** Every setting, in `--help` order. */
export const SETTINGS: Setting[] = [
  { name: "url", help: "server to benchmark (also the first positional argument); none = in-process on --model-dir" },
  {
    name: "target",
    help: "auto, runner, orchestrator, broadcaster or in-process (auto: detected from the URL)",
    default: "auto",
  },
  { name: "model-dir", help: "in-process: the models directory (avs-runner models install … --model-dir)" },
  { name: "pipeline", help: `${PIPELINES.join(", ")} (default: what the target serves)` },
  { name: "model-id", help: "model to ask for (default: what the target serves)" },
  { name: "runs", help: "timed jobs per concurrency level", default: "20" },
  { name: "warmup", help: "untimed jobs first (first-run compilation, arena growth)", default: "2" },
  { name: "concurrency", help: "jobs in flight; a list (1,2,4) measures each level", default: "1" },
  { name: "size", help: "image side in px: input of image pipelines, output of text-to-image/video", default: "256" },
  { name: "steps", help: "denoising steps (default 1 for upscale, 4 otherwise)" },
  { name: "prompt", help: "prompt of text-guided pipelines", default: "a lighthouse on a cliff at dawn" },
  {
    name: "batch",
    help: "text-to-image / image-to-image: also compare n single-image jobs with one job of num_images_per_prompt n (one UNet batch), at concurrency 1",
    default: "1",
  },
  { name: "token", help: "bearer token: runner AUTH_TOKEN, orchestrator secret or broadcaster API key" },
  { name: "timeout", help: "seconds one job may take before it counts as an error", default: "300" },
  { name: "execution-provider", help: "in-process: cpu, cuda or webgpu", default: "cpu" },
  { name: "intra-op-threads", help: "in-process: ONNX Runtime threads (0 = one per core)", default: "0" },
  { name: "cost-per-hour", help: "what the machine costs per hour: prints the break-even price_per_unit" },
  {
    name: "pixels-per-unit",
    help: "pixels × steps one price unit covers (aiModels.json pixels_per_unit)",
    default: "1",
  },
  { name: "json", help: "also write the results as JSON to this file" },
];

/** Resolved settings. */
export interface BenchOptions {
  url?: string;
  target: "auto" | "runner" | "orchestrator" | "broadcaster" | "in-process";
  modelDir?: string;
  pipeline?: Pipeline;
  modelId?: string;
  runs: number;
  warmup: number;
  concurrency: number[];
  size: number;
  steps?: number;
  prompt: string;
  /** Images of the batched job in the sequential-vs-batched comparison; 1 = no comparison. */
  batch: number;
  token?: string;
  timeoutMs: number;
  executionProvider: string;
  intraOpThreads: number;
  costPerHour?: number;
  pixelsPerUnit: number;
  json?: string;
}

/** The env var of a setting. */
export function envName(name: string): string {
  return `AVS_BENCH_${name.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Resolves the settings from arguments, environment and the settings file; throws with a message naming the
 * setting and what is allowed.
 * @example parseBenchArgs(["http://127.0.0.1:8000", "--runs", "5"], {}).runs // 5
 */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchOptions & { help: boolean } {
  const flags: Record<string, string> = {};
  let help = false;
  const known = new Set([...SETTINGS.map((s) => s.name), "settings"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (flags.url !== undefined) throw new Error(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
      flags.url = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.has(name)) throw new Error(`unknown flag --${name} (see --help)`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags[name] = value;
  }
  const fileName = flags.settings ?? env.AVS_BENCH_SETTINGS;
  const file: Record<string, string> = fileName ? readSettingsFile(fileName) : {};
  const get = (name: string) =>
    flags[name] ?? env[envName(name)] ?? file[name] ?? SETTINGS.find((s) => s.name === name)?.default;
  const int = (name: string, min: number) => {
    const v = Number(get(name));
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${get(name)}`);
    return v;
  };
  const num = (name: string) => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a number > 0, got ${raw}`);
    return v;
  };
  const target = get("target") as BenchOptions["target"];
  if (!["auto", "runner", "orchestrator", "broadcaster", "in-process"].includes(target)) {
    throw new Error(`--target must be auto, runner, orchestrator, broadcaster or in-process, got ${target}`);
  }
  const pipeline = get("pipeline");
  if (pipeline !== undefined && !(PIPELINES as readonly string[]).includes(pipeline)) {
    throw new Error(`--pipeline must be one of ${PIPELINES.join(", ")}, got ${pipeline}`);
  }
  const concurrency = String(get("concurrency"))
    .split(",")
    .map((s) => Number(s.trim()));
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 1024)) {
    throw new Error(`--concurrency must be integers from 1 to 1024 separated by commas, got ${get("concurrency")}`);
  }
  const url = get("url");
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) throw new Error(`--url must be an http(s) URL, got ${url}`);
  const steps = get("steps") === undefined ? undefined : int("steps", 1);
  return {
    help,
    ...(url ? { url: url.replace(/\/+$/, "") } : {}),
    target,
    ...(get("model-dir") ? { modelDir: get("model-dir")! } : {}),
    ...(pipeline ? { pipeline: pipeline as Pipeline } : {}),
    ...(get("model-id") ? { modelId: get("model-id")! } : {}),
    runs: int("runs", 1),
    warmup: int("warmup", 0),
    concurrency,
    size: int("size", 8),
    ...(steps ? { steps } : {}),
    prompt: String(get("prompt")),
    batch: batchSize(int("batch", 1)),
    ...(get("token") ? { token: get("token")! } : {}),
    timeoutMs: num("timeout")! * 1000,
    executionProvider: String(get("execution-provider")),
    intraOpThreads: int("intra-op-threads", 0),
    ...(num("cost-per-hour") !== undefined ? { costPerHour: num("cost-per-hour")! } : {}),
    pixelsPerUnit: int("pixels-per-unit", 1),
    ...(get("json") ? { json: get("json")! } : {}),
  };
}

function readSettingsFile(path: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the settings file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`the settings file ${path} must hold a JSON object of setting names`);
  }
  const known = new Set(SETTINGS.map((s) => s.name));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!known.has(k)) throw new Error(`the settings file ${path} has an unknown setting "${k}"`);
    out[k] = Array.isArray(v) ? v.join(",") : String(v);
  }
  return out;
}

/** The settings part of `--help`. */
export function settingsHelp(): string {
  return SETTINGS.map((s) => {
    const def = s.default !== undefined ? ` (default ${s.default})` : "";
    return `  --${s.name.padEnd(20)} ${s.help}${def}\n  ${"".padEnd(22)} env ${envName(s.name)}`;
  }).join("\n");
}

/** The largest `num_images_per_prompt` of the specs. */
const MAX_IMAGES_PER_PROMPT = 8;

function batchSize(n: number): number {
  if (n > MAX_IMAGES_PER_PROMPT)
    throw new Error(`--batch must be an integer from 1 to ${MAX_IMAGES_PER_PROMPT}, got ${n}`);
  return n;
}
