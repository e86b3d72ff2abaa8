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
  SettingsError,
  type SettingsSchema,
} from "@ai-video-subnet/server-kit";
import { type NumberRule, readNumber, readWholeList } from "./internal/strict-number.js";
import { PIPELINES, type Pipeline } from "./workload/job-request.js";

/** The largest `num_images_per_prompt` of the specs. */
const MAX_IMAGES_PER_PROMPT = 8;

/** The largest `--size`: its test picture alone is 8192 × 8192 × 3 bytes of RGB and a PNG about as large. */
const MAX_SIZE = 8192;

/** Bounds a `Setting` cannot state (an exclusive minimum), and why a bound is where it is; quoted in `--help` and errors. */
const NUMBER_RULES: Record<string, NumberRule> = {
  size: {
    why: "px; avs-bench builds its test picture in memory before the run, size × size × 3 bytes and a PNG about as large: 192 MiB each at 8192",
  },
  batch: { why: "the specs' largest num_images_per_prompt" },
  timeout: { above: 0, why: "Node's longest timer is 2^31−1 ms" },
  "cost-per-hour": { above: 0 },
};

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
  {
    name: "concurrency",
    kind: "string",
    min: 1,
    max: 1024,
    help: "jobs in flight, 1-1024; a list (1,2,4) measures each level",
    default: "1",
  },
  {
    name: "size",
    kind: "integer",
    min: 8,
    max: MAX_SIZE,
    help: `image side in px, 8-${MAX_SIZE} (the test picture is built in memory): input of image pipelines, output of text-to-image/video`,
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
    max: MAX_IMAGES_PER_PROMPT,
    help: "1-8; text-to-image / image-to-image: also compare n single-image jobs with one job of num_images_per_prompt n (one UNet batch), at concurrency 1",
    default: "1",
  },
  {
    name: "token",
    kind: "string",
    help: "bearer token: runner AUTH_TOKEN, orchestrator secret or broadcaster API key",
  },
  {
    name: "metrics-token",
    kind: "string",
    help: "bearer token of the target's /metrics (its metrics-token), read for peak RSS (default: --token)",
  },
  {
    name: "timeout",
    kind: "number",
    unit: "s",
    help: "seconds one job may take before it counts as an error, above 0 and at most 2147483 (Node's longest timer)",
    default: "300",
  },
  { name: "execution-provider", kind: "string", help: "in-process: cpu, cuda or webgpu", default: "cpu" },
  {
    name: "intra-op-threads",
    kind: "integer",
    max: 1024,
    help: "in-process: ONNX Runtime threads, 0-1024 (0 = one per core)",
    default: "0",
  },
  {
    name: "cost-per-hour",
    kind: "number",
    help: "what the machine costs per hour (above 0): prints the break-even price_per_unit",
  },
  {
    name: "pixels-per-unit",
    kind: "integer",
    min: 1,
    help: "work units (pixels × frames × steps × images) one price unit covers (aiModels.json pixels_per_unit)",
    default: "1",
  },
  {
    name: "json",
    kind: "string",
    help: "also write the results as JSON to this file (its directory must exist and be writable: checked before the run)",
  },
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
  /** The bearer token of the target's `/metrics`; `token` when not given. */
  metricsToken?: string;
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
  const { help, values } = parseSettings(TEXT_SETTINGS, argv, env);
  if (help) return { help, ...({} as BenchOptions) };
  const v = values as Record<string, string | undefined>;
  const num = (name: string): number | undefined => {
    const text = v[name];
    return text === undefined ? undefined : readNumber(setting(name), text, NUMBER_RULES[name]);
  };
  const pipeline = v.pipeline;
  if (pipeline !== undefined && !(pipeline in PIPELINES)) {
    throw new SettingsError(`--pipeline must be one of ${Object.keys(PIPELINES).join(", ")}, got ${pipeline}`);
  }
  const url = v.url;
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
    throw new SettingsError(`--url must be an http(s) URL, got ${url}`);
  }
  const steps = num("steps");
  const costPerHour = num("cost-per-hour");
  return {
    help,
    ...(url ? { url: url.replace(/\/+$/, "") } : {}),
    target: v.target as BenchOptions["target"],
    ...(v["model-dir"] ? { modelDir: v["model-dir"] } : {}),
    ...(pipeline ? { pipeline: pipeline as Pipeline } : {}),
    ...(v["model-id"] ? { modelId: v["model-id"] } : {}),
    runs: num("runs")!,
    warmup: num("warmup")!,
    concurrency: readWholeList(setting("concurrency"), v.concurrency!),
    size: num("size")!,
    ...(steps !== undefined ? { steps } : {}),
    prompt: v.prompt!,
    batch: num("batch")!,
    ...(v.token ? { token: v.token } : {}),
    ...(v["metrics-token"] ? { metricsToken: v["metrics-token"] } : {}),
    timeoutMs: num("timeout")! * 1000,
    executionProvider: v["execution-provider"]!,
    intraOpThreads: num("intra-op-threads")!,
    ...(costPerHour !== undefined ? { costPerHour } : {}),
    pixelsPerUnit: num("pixels-per-unit")!,
    ...(v.json ? { json: v.json } : {}),
  };
}

/** The settings part of `--help`. */
export function settingsHelp(): string {
  return helpOf(BENCH_SETTINGS);
}

function setting(name: string): Setting {
  return SETTINGS.find((s) => s.name === name)!;
}

/**
 * The schema as the server kit reads it: numbers as text, which {@link readNumber} reads strictly (the kit's
 * `Number()` would take ` 5`, `0x10`, `+5` and `1e3` for a whole number); flag, env and file precedence unchanged.
 */
const TEXT_SETTINGS: SettingsSchema = {
  ...BENCH_SETTINGS,
  settings: SETTINGS.map((s) => (s.kind === "number" || s.kind === "integer" ? { ...s, kind: "string" } : s)),
};
