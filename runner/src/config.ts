/**
 * @module The runner's settings: one name per setting across env var (`MODEL_ID`), flag (`--model-id`) and
 * config file key (`MODEL_ID` in a JSON file given by `--config` / `CONFIG`), read by the server kit's one settings
 * parser. Precedence: flag > env > file > default.
 */
import {
  CONNECTION_DEFAULTS,
  settingsHelp as helpOf,
  parseSettings,
  readFlags,
  type Setting,
  type SettingsSchema,
} from "@ai-video-subnet/server-kit";
import { DEFAULT_MAX_LORA_BYTES } from "./lora/lora-file.js";

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
  /** text-to-image, image-to-image: largest LoRA file a request may name, checked before it is read. */
  maxLoraBytes: number;
  maxVideoWork: number;
  pngCompression: number;
  /** video-upscale: the limits of a video upload (`VideoLimits`; the bytes limit is also capped by `maxUploadBytes`). */
  maxVideoBytes: number;
  maxVideoInputPixels: number;
  maxVideoOutputPixels: number;
  maxVideoFrames: number;
  maxVideoSeconds: number;
  /** frame-interpolation: most output frames of one job (checked from the probe × the rate change, 413). */
  maxOutputFrames: number;
  /** How long `GET /progress/{id}` waits for a job that has not started (default 30 s; not a setting). */
  progressWaitMs?: number;
  /** How long an ended job's last state stays visible to `GET /progress/{id}` (default 60 s; not a setting). */
  progressKeepMs?: number;
  /** Seconds keep-alive connections get on stop, after the running job (the `shutdown-grace` of every binary). */
  shutdownGrace: number;
  /** Seconds a request's body may go without a byte once started (the `body-idle-timeout` of every binary; 0 = off). */
  bodyIdleTimeout: number;
}

/** The settings table (Livepeer's env-style names); `--help` is printed from it. */
export const SETTINGS = [
  {
    name: "PIPELINE",
    kind: "string",
    default: "upscale",
    help: "pipeline to serve (upscale, video-upscale, frame-interpolation, text-to-image, image-to-image, image-to-video)",
  },
  {
    name: "MODEL_ID",
    kind: "string",
    default: "upscalerjs/esrgan-slim-x4",
    help: "model to load from MODEL_DIR/<MODEL_ID>/",
  },
  {
    name: "MODEL_DIR",
    kind: "string",
    default: "/models",
    help: "the models volume; it, and MODEL_DIR/<MODEL_ID>/ if present, must be readable at start-up (else exit 1)",
  },
  { name: "AUTH_TOKEN", kind: "string", default: "", help: "bearer token for generate routes" },
  { name: "PORT", kind: "integer", unit: "port", default: "8000", help: "listen port, 0-65535 (0 = any free port)" },
  { name: "HOST", kind: "string", default: "127.0.0.1", help: "listen address (the Docker image sets 0.0.0.0)" },
  { name: "QUEUE_SIZE", kind: "integer", unit: "count", default: "8", help: "jobs that may wait; more get 503" },
  {
    name: "EXECUTION_PROVIDER",
    kind: "choice",
    choices: ["cpu", "cuda", "webgpu"],
    default: "cpu",
    help: "cpu, cuda or webgpu (falls back to cpu with a log line)",
  },
  {
    name: "MAX_UPLOAD_BYTES",
    kind: "integer",
    unit: "bytes",
    min: 1,
    default: String(50 * 1024 * 1024),
    help: "largest request body (413 above; 400 on Livepeer's routes)",
  },
  {
    name: "MAX_IMAGE_SIDE",
    kind: "integer",
    min: 1,
    default: "4096",
    help: "largest input side in px (413; 400 on Livepeer's routes)",
  },
  {
    name: "MAX_INPUT_PIXELS",
    kind: "integer",
    min: 1,
    default: String(2048 * 2048),
    help: "largest input width×height (413; 400 on Livepeer's routes)",
  },
  {
    name: "MAX_OUTPUT_PIXELS",
    kind: "integer",
    min: 1,
    default: String(8192 * 8192),
    help: "largest upscaled width×height (413; 400 on Livepeer's routes)",
  },
  {
    name: "TILE_SIZE",
    kind: "integer",
    min: 16,
    default: "256",
    help: "input tile side in px for large images, 16 or more",
  },
  { name: "TILE_OVERLAP", kind: "integer", default: "16", help: "context px around each tile" },
  {
    name: "INTRA_OP_THREADS",
    kind: "integer",
    unit: "count",
    max: 1024,
    default: "0",
    help: "ONNX Runtime threads, 0-1024 (0 = one per core)",
  },
  {
    name: "SPIN_WAIT",
    kind: "integer",
    max: 1,
    default: "0",
    help: "1 = ONNX Runtime threads busy-wait between operators: slightly lower latency on a dedicated machine, but they burn the CPU the HTTP thread and other processes need",
  },
  {
    name: "MAX_SD_WORK",
    kind: "integer",
    min: 1,
    default: String(1024 * 1024 * 4 * 50),
    help: "text-to-image / image-to-image: largest width×height×images×steps of a request (400 above)",
  },
  {
    name: "MAX_LORA_BYTES",
    kind: "integer",
    unit: "bytes",
    min: 1,
    default: String(DEFAULT_MAX_LORA_BYTES),
    help: "text-to-image / image-to-image: largest LoRA .safetensors file a request may name (400 above, before it is read)",
  },
  {
    name: "MAX_VIDEO_WORK",
    kind: "integer",
    min: 1,
    default: String(1024 * 576 * 25 * 50),
    help: "image-to-video: largest width×height×frames×steps of a request, frames being the model's (400 above)",
  },
  {
    name: "PNG_COMPRESSION",
    kind: "integer",
    max: 9,
    default: "1",
    help: "zlib level of output PNGs, 0-9 (higher: smaller, slower; 1 keeps encoding ~7 ms per megapixel)",
  },
  {
    name: "MAX_VIDEO_BYTES",
    kind: "integer",
    unit: "bytes",
    default: String(256 * 1024 * 1024),
    help: "video-upscale, frame-interpolation: largest video file (413; MAX_UPLOAD_BYTES caps it too)",
  },
  {
    name: "MAX_VIDEO_INPUT_PIXELS",
    kind: "integer",
    min: 1,
    default: String(1280 * 720),
    help: "video-upscale, frame-interpolation: largest input frame width×height, first_image/last_image included (413)",
  },
  {
    name: "MAX_VIDEO_OUTPUT_PIXELS",
    kind: "integer",
    min: 1,
    default: String(3840 * 2160),
    help: "video-upscale, frame-interpolation: largest output frame width×height (413)",
  },
  {
    name: "MAX_VIDEO_FRAMES",
    kind: "integer",
    min: 1,
    default: "3600",
    help: "video-upscale, frame-interpolation: most frames of a video (413)",
  },
  {
    name: "MAX_VIDEO_SECONDS",
    kind: "number",
    min: 1,
    default: "180",
    help: "video-upscale, frame-interpolation: longest video in seconds (413)",
  },
  {
    name: "MAX_OUTPUT_FRAMES",
    kind: "integer",
    min: 1,
    default: "1440",
    help: "frame-interpolation: most output frames of one job, checked before any frame is decoded (413)",
  },
  {
    name: "SHUTDOWN_GRACE",
    kind: "number",
    unit: "s",
    default: "5",
    help: "seconds keep-alive connections get on stop, once the running job has finished",
  },
  {
    name: "BODY_IDLE_TIMEOUT",
    kind: "number",
    unit: "s",
    min: 0,
    default: String(CONNECTION_DEFAULTS.bodyIdleTimeoutMs / 1000),
    help: `seconds a request's body may go without a byte once started (408; 0 = off, as is a value not under the ${CONNECTION_DEFAULTS.receiveTimeoutMs / 1000} s a whole request may take)`,
  },
] as const satisfies readonly Setting[];

/** The runner's settings schema: env vars without a prefix, the JSON config file given by `--config` / `CONFIG`. */
export const RUNNER_SETTINGS = { envPrefix: "", file: "CONFIG", settings: SETTINGS } as const satisfies SettingsSchema;

/**
 * Parses flags (`--model-id x` or `--model-id=x`) of the settings `known` into `{MODEL_ID: "x"}` (the last of a
 * repeated flag wins; an empty value counts as not given, as the benchmarks' own flags expect); unknown flags throw.
 * The runner's settings go through `loadConfig`, which refuses an empty flag value.
 * @example parseFlags(["--port", "0"]) // { PORT: "0" }
 */
export function parseFlags(
  args: string[],
  known: readonly string[] = [...SETTINGS.map((s) => s.name), "CONFIG"],
): Record<string, string> {
  return Object.fromEntries(
    [...readFlags(args, known)].flatMap(([name, values]) => {
      const last = values.filter(Boolean).at(-1);
      return last === undefined ? [] : [[name, last]];
    }),
  );
}

/**
 * Resolves the configuration from flags, the environment and an optional JSON config file.
 * @example loadConfig(["--port", "0"], process.env)
 */
export function loadConfig(args: string[], env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const v = parseSettings(RUNNER_SETTINGS, args, env).values;
  return {
    pipeline: v.PIPELINE,
    modelId: v.MODEL_ID,
    modelDir: v.MODEL_DIR,
    authToken: v.AUTH_TOKEN,
    port: v.PORT,
    host: v.HOST,
    queueSize: v.QUEUE_SIZE,
    executionProvider: v.EXECUTION_PROVIDER as ExecutionProvider,
    maxUploadBytes: v.MAX_UPLOAD_BYTES,
    maxImageSide: v.MAX_IMAGE_SIDE,
    maxInputPixels: v.MAX_INPUT_PIXELS,
    maxOutputPixels: v.MAX_OUTPUT_PIXELS,
    tileSize: v.TILE_SIZE,
    tileOverlap: v.TILE_OVERLAP,
    intraOpThreads: v.INTRA_OP_THREADS,
    spinWait: v.SPIN_WAIT,
    maxSdWork: v.MAX_SD_WORK,
    maxLoraBytes: v.MAX_LORA_BYTES,
    maxVideoWork: v.MAX_VIDEO_WORK,
    pngCompression: v.PNG_COMPRESSION,
    maxVideoBytes: v.MAX_VIDEO_BYTES,
    maxVideoInputPixels: v.MAX_VIDEO_INPUT_PIXELS,
    maxVideoOutputPixels: v.MAX_VIDEO_OUTPUT_PIXELS,
    maxVideoFrames: v.MAX_VIDEO_FRAMES,
    maxVideoSeconds: v.MAX_VIDEO_SECONDS,
    maxOutputFrames: v.MAX_OUTPUT_FRAMES,
    shutdownGrace: v.SHUTDOWN_GRACE,
    bodyIdleTimeout: v.BODY_IDLE_TIMEOUT,
  };
}

/** The settings part of `--help`. */
export function settingsHelp(): string {
  return helpOf(RUNNER_SETTINGS);
}
