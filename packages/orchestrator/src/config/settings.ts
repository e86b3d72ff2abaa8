/**
 * @module The orchestrator's settings: one name per setting across flag (`--models-dir`), env var
 * (`AVS_ORCHESTRATOR_MODELS_DIR`) and settings file key (`"models-dir"` in the JSON file given by `--settings`), read
 * by the server kit's one settings parser. Precedence: flag > env > settings file > default. `--help` is printed
 * from the same table.
 */
import {
  CONNECTION_SETTINGS,
  type ConnectionLimits,
  connectionLimitsOf,
  envName as envNameOf,
  settingsHelp as helpOf,
  type LogLevel,
  parseSettings,
  type Setting,
  type SettingsSchema,
} from "@ai-video-subnet/server-kit";
import type { MediaDelivery } from "../outputs/deliver-media.js";

/**
 * The default `max-answer-bytes`: 512 MiB, the longest string V8 makes (2^29 − 24 characters), so the largest data
 * URL the orchestrator can decode into a stored output (a video-upscale mp4 at up to 3840×2160 × 3600 frames); a
 * larger answer could never be stored, only held in memory while it fails.
 */
export const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

/** Every setting of `avs-orchestrator`. */
export const SETTINGS = [
  { name: "config", kind: "string", default: "aiModels.json", help: "the model list (Livepeer aiModels.json shape)" },
  { name: "models-dir", kind: "string", default: "./models", help: "shared models directory, mounted into runners" },
  {
    name: "host",
    kind: "string",
    default: "127.0.0.1",
    help: "listen address (0.0.0.0 for all interfaces, then with public-url)",
  },
  { name: "port", kind: "integer", unit: "port", default: "8935", help: "listen port, 0-65535 (0 = any free port)" },
  { name: "secret", kind: "token", help: "bearer secret broadcasters send on job routes (none = open)" },
  {
    name: "public-url",
    kind: "url",
    help: "base of stored media URLs, an absolute http(s) URL (default http://<host>:<port>; required with host 0.0.0.0 or ::)",
  },
  {
    name: "launcher",
    kind: "choice",
    choices: ["process", "docker"],
    default: "process",
    help: "how runners start: process (child processes) or docker (a container each)",
  },
  {
    name: "gpus",
    kind: "string",
    shownDefault: "none: the CPU only",
    help: "GPU indexes or UUIDs (nvidia-smi -L), e.g. 0,1; each checked at start to be on this machine (or dockerd's)",
  },
  {
    name: "runners-per-gpu",
    kind: "integer",
    unit: "count",
    min: 1,
    max: 64,
    default: "1",
    help: "runners one GPU (or the CPU) holds at once, 1-64",
  },
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
    help: "url: media as URLs served from /outputs (one byte Range per request answered with 206); data: inline data: URLs (a job's X-Media-Delivery header overrides it; a job answered once a stop began is always data)",
  },
  {
    name: "output-dir",
    kind: "string",
    formerly: ["outputs-dir"],
    help: "where stored media go (default: a temporary directory of its own, removed on stop, and by its reaper if it is killed; a given one is never removed; at start, what an earlier run left in it, by this orchestrator's own file names only, is deleted once past output-retention)",
  },
  {
    name: "output-retention",
    kind: "number",
    unit: "s",
    min: 1,
    default: "3600",
    help: "seconds stored media stay available",
  },
  {
    name: "output-memory-bytes",
    kind: "integer",
    unit: "bytes",
    default: String(256 * 1024 * 1024),
    help: "stored media kept in memory before the oldest go to output-dir",
  },
  {
    name: "ffmpeg",
    kind: "string",
    default: "ffmpeg",
    help: "ffmpeg command that encodes image-to-video's mp4 (checked at start when a model needs it)",
  },
  {
    name: "start-timeout",
    kind: "number",
    unit: "s",
    min: 1,
    default: "300",
    help: "seconds a runner has to become ready: until it listens, then loads its model (a cold job waits this)",
  },
  {
    name: "job-timeout",
    kind: "number",
    unit: "s",
    min: 1,
    default: "600",
    help: "seconds a job may run (a chain's stages and the mp4 encode included)",
  },
  {
    name: "runner-stall-timeout",
    kind: "number",
    unit: "s",
    min: 0,
    default: "120",
    help: "seconds a runner that reported progress for a job may then report none: the job is cut (500) and the runner restarted (0 = off; a runner that reports no progress, e.g. a Livepeer one, is never cut by it)",
  },
  {
    name: "health-interval",
    kind: "number",
    unit: "s",
    // Fractions are fine (tests poll every 0.5 s); 0 would check in a tight loop.
    min: 0.1,
    default: "5",
    help: "seconds between runner health checks",
  },
  {
    name: "retry-after",
    kind: "integer",
    unit: "s",
    default: "1",
    help: "whole seconds in Retry-After of refused jobs",
  },
  {
    name: "max-upload-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1024 * 1024,
    default: String(64 * 1024 * 1024),
    help: "largest multipart job body a caller may send, at least 1 MiB (413 above; JSON bodies: 1 MiB); runners started get MAX_UPLOAD_BYTES of this + 64 KiB",
  },
  {
    name: "max-answer-bytes",
    kind: "integer",
    unit: "bytes",
    min: 1024 * 1024,
    default: String(MAX_ANSWER_BYTES),
    help: "largest runner answer read, at least 1 MiB; a runner answering more gets its call cut and the job a 502",
  },
  {
    name: "shutdown-grace",
    kind: "number",
    unit: "s",
    default: "30",
    help: "seconds in-flight jobs get on stop (0 = cut them at once); the ones that end then get their media inline (data: URLs), as the port is closed",
  },
  {
    name: "log-level",
    kind: "choice",
    choices: ["debug", "info", "warn", "error"],
    default: "info",
    help: "least severe log level written",
  },
  ...CONNECTION_SETTINGS,
] as const satisfies readonly Setting[];

/** The orchestrator's settings schema. */
export const ORCHESTRATOR_SETTINGS = {
  envPrefix: "AVS_ORCHESTRATOR_",
  file: "settings",
  settings: SETTINGS,
} as const satisfies SettingsSchema;

/** The env var of a setting: `AVS_ORCHESTRATOR_` + upper snake case. */
export function envName(setting: string): string {
  return envNameOf(ORCHESTRATOR_SETTINGS.envPrefix, setting);
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
  ffmpeg: string;
  startTimeout: number;
  jobTimeout: number;
  runnerStallTimeout: number;
  healthInterval: number;
  retryAfter: number;
  maxUploadBytes: number;
  maxAnswerBytes: number;
  shutdownGrace: number;
  logLevel: LogLevel;
  connectionLimits: ConnectionLimits;
  metricsToken?: string;
}

/**
 * Resolves every setting from flags, env and the settings file. Throws a SettingsError naming the setting.
 * @example resolveSettings(["--port", "0", "--config", "aiModels.json"], process.env)
 */
export function resolveSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const v = parseSettings(ORCHESTRATOR_SETTINGS, argv, env).values;
  return {
    config: v.config,
    modelsDir: v["models-dir"],
    host: v.host,
    port: v.port,
    secret: v.secret,
    publicUrl: v["public-url"],
    launcher: v.launcher as Settings["launcher"],
    gpus: v.gpus ?? "",
    runnersPerGpu: v["runners-per-gpu"],
    runnerCommand: v["runner-command"]?.split(" ").filter(Boolean),
    runnerImage: v["runner-image"],
    dockerNetwork: v["docker-network"] as Settings["dockerNetwork"],
    dockerSocket: v["docker-socket"],
    name: v.name,
    mediaDelivery: v["media-delivery"] as MediaDelivery,
    outputsDir: v["output-dir"],
    outputRetention: v["output-retention"],
    outputMemoryBytes: v["output-memory-bytes"],
    ffmpeg: v.ffmpeg,
    startTimeout: v["start-timeout"],
    jobTimeout: v["job-timeout"],
    runnerStallTimeout: v["runner-stall-timeout"],
    healthInterval: v["health-interval"],
    retryAfter: v["retry-after"],
    maxUploadBytes: v["max-upload-bytes"],
    maxAnswerBytes: v["max-answer-bytes"],
    shutdownGrace: v["shutdown-grace"],
    logLevel: v["log-level"] as LogLevel,
    connectionLimits: connectionLimitsOf(v),
    metricsToken: v["metrics-token"],
  };
}

/** The settings table of `--help`. */
export function settingsHelp(): string {
  return helpOf(ORCHESTRATOR_SETTINGS);
}
