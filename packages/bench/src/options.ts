/**
 * @module avs-bench's settings: one name per setting across flag (`--model-id`), env var (`AVS_BENCH_MODEL_ID`)
 * and JSON settings file key (`"model-id"`, file given by `--settings`), read by the server kit's one settings
 * parser. Precedence: flag > env > file > default.
 */
import {
  envName as envNameOf,
  settingsHelp as helpOf,
  parseSettings,
  type Setting,
  type SettingsSchema,
} from "@ai-video-subnet/server-kit";
import { PIPELINES, type Pipeline } from "./workload/job-request.js";

/** Every setting, in `--help` order. */
export const SETTINGS = [
  {
    name: "url",
    kind: "string",
    help: "server to benchmark (also the first positional argument); none = in-process on --model-dir",
  },
  {
    name: "target",
    kind: "choice",
    choices: ["auto", "runner", "orchestrator", "broadcaster", "in-process"],
    help: "auto, runner, orchestrator, broadcaster or in-process (auto: detected from the URL)",
    default: "auto",
  },
  {
    name: "model-dir",
    kind: "string",
    help: "in-process: the models directory (avs-runner models install … --model-dir)",
  },
  { name: "pipeline", kind: "string", help: `${Object.keys(PIPELINES).join(", ")} (default: what the target serves)` },
  { name: "model-id", kind: "string", help: "model to ask for (default: what the target serves)" },
  { name: "runs", kind: "integer", min: 1, help: "timed jobs per concurrency level", default: "20" },
  { name: "warmup", kind: "integer", help: "untimed jobs first (first-run compilation, arena growth)", default: "2" },
  { name: "concurrency", kind: "string", help: "jobs in flight; a list (1,2,4) measures each level", default: "1" },
  {
    name: "size",
    kind: "integer",
    min: 8,
    help: "image side in px: input of image pipelines, output of text-to-image/video",
    default: "256",
  },
  { name: "steps", kind: "integer", min: 1, help: "denoising steps (default 1 for upscale, 4 otherwise)" },
  {
    name: "prompt",
    kind: "string",
    help: "prompt of text-guided pipelines",
    default: "a lighthouse on a cliff at dawn",
  },
  {
    name: "batch",
    kind: "integer",
    min: 1,
    help: "text-to-image / image-to-image: also compare n single-image jobs with one job of num_images_per_prompt n (one UNet batch), at concurrency 1",
    default: "1",
  },
  {
    name: "token",
    kind: "string",
    help: "bearer token: runner AUTH_TOKEN, orchestrator secret or broadcaster API key",
  },
  { name: "timeout", kind: "number", help: "seconds one job may take before it counts as an error", default: "300" },
  { name: "execution-provider", kind: "string", help: "in-process: cpu, cuda or webgpu", default: "cpu" },
  {
    name: "intra-op-threads",
    kind: "integer",
    help: "in-process: ONNX Runtime threads (0 = one per core)",
    default: "0",
  },
  {
    name: "cost-per-hour",
    kind: "number",
    help: "what the machine costs per hour: prints the break-even price_per_unit",
  },
  {
    name: "pixels-per-unit",
    kind: "integer",
    min: 1,
    help: "work units (pixels × frames × steps × images) one price unit covers (aiModels.json pixels_per_unit)",
    default: "1",
  },
  { name: "json", kind: "string", help: "also write the results as JSON to this file" },
] as const satisfies readonly Setting[];

/** avs-bench's settings schema; the server URL may also be the one positional argument. */
export const BENCH_SETTINGS = {
  envPrefix: "AVS_BENCH_",
  file: "settings",
  positional: "url",
  settings: SETTINGS,
} as const satisfies SettingsSchema;

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
  return envNameOf(BENCH_SETTINGS.envPrefix, name);
}

/**
 * Resolves the settings from arguments, environment and the settings file; throws with a message naming the
 * setting and what is allowed.
 * @example parseBenchArgs(["http://127.0.0.1:8000", "--runs", "5"], {}).runs // 5
 */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchOptions & { help: boolean } {
  const { help, values: v } = parseSettings(BENCH_SETTINGS, argv, env);
  if (help) return { help, ...({} as BenchOptions) };
  const pipeline = v.pipeline;
  if (pipeline !== undefined && !(pipeline in PIPELINES)) {
    throw new Error(`--pipeline must be one of ${Object.keys(PIPELINES).join(", ")}, got ${pipeline}`);
  }
  const concurrency = v.concurrency.split(",").map((s) => Number(s.trim()));
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 1024)) {
    throw new Error(`--concurrency must be integers from 1 to 1024 separated by commas, got ${v.concurrency}`);
  }
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value > 0)) throw new Error(`--${name} must be a number > 0, got ${value}`);
    return value;
  };
  const url = v.url;
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) throw new Error(`--url must be an http(s) URL, got ${url}`);
  return {
    help,
    ...(url ? { url: url.replace(/\/+$/, "") } : {}),
    target: v.target as BenchOptions["target"],
    ...(v["model-dir"] ? { modelDir: v["model-dir"] } : {}),
    ...(pipeline ? { pipeline: pipeline as Pipeline } : {}),
    ...(v["model-id"] ? { modelId: v["model-id"] } : {}),
    runs: v.runs,
    warmup: v.warmup,
    concurrency,
    size: v.size,
    ...(v.steps ? { steps: v.steps } : {}),
    prompt: v.prompt,
    batch: batchSize(v.batch),
    ...(v.token ? { token: v.token } : {}),
    timeoutMs: positive("timeout", v.timeout)! * 1000,
    executionProvider: v["execution-provider"],
    intraOpThreads: v["intra-op-threads"],
    ...(v["cost-per-hour"] !== undefined ? { costPerHour: positive("cost-per-hour", v["cost-per-hour"])! } : {}),
    pixelsPerUnit: v["pixels-per-unit"],
    ...(v.json ? { json: v.json } : {}),
  };
}

/** The settings part of `--help`. */
export function settingsHelp(): string {
  return helpOf(BENCH_SETTINGS);
}

/** The largest `num_images_per_prompt` of the specs. */
const MAX_IMAGES_PER_PROMPT = 8;

function batchSize(n: number): number {
  if (n > MAX_IMAGES_PER_PROMPT)
    throw new Error(`--batch must be an integer from 1 to ${MAX_IMAGES_PER_PROMPT}, got ${n}`);
  return n;
}
