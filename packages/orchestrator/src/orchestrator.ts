/**
 * @module createOrchestrator: builds the Hono app (spec routes, auth, request ids, the two error shapes), the
 * runner pool and the output store from options that mirror the CLI flags, and starts/stops them together.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  bearerAuth,
  type ConnectionLimits,
  errorHandler,
  getRequestId,
  type HttpServer,
  jsonLogger,
  type Logger,
  type LogLevel,
  listen,
  notFoundHandler,
  Reaper,
  RequestValidator,
  requestId,
  warnIfOpen,
} from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import pkg from "../package.json" with { type: "json" };
import { type AiModelEntry, ConfigError, parseAiModels } from "./config/ai-models.js";
import { checkPublicUrl } from "./config/public-url.js";
import { checkRunnerStarts } from "./config/runner-start-checks.js";
import { MAX_ANSWER_BYTES } from "./config/settings.js";
import { orchestratorDocument } from "./generated/orchestrator-document.js";
import { PIPELINES } from "./generated/orchestrator-pipelines.js";
import type { Launcher } from "./launchers/launcher.js";
import { makeLauncher, parseGpus } from "./launchers/make-launcher.js";
import type { MediaDelivery } from "./outputs/deliver-media.js";
import { checkFfmpeg, checkRunnerFfmpeg } from "./outputs/mp4.js";
import type { OutputStore } from "./outputs/output-store.js";
import { outputStoreIn } from "./outputs/output-store-setting.js";
import { failedJob, mountJobRoutes, runnerUploadLimit } from "./routes/jobs.js";
import { createMetrics } from "./routes/metrics.js";
import { mountProgressRoute, ProgressTracker } from "./routes/progress.js";
import { mountStatusRoutes, type Readiness } from "./routes/status.js";
import { runnersReadiness } from "./runners/readiness.js";
import { RunnerPool } from "./runners/runner-pool.js";

export { parseGpus } from "./launchers/make-launcher.js";

/** The longest refusal message a `request refused` log line carries (a 422 lists every issue). */
const MAX_LOGGED_MESSAGE = 500;

/** Options of {@link createOrchestrator}; each mirrors a CLI flag (durations in seconds, like the flags). */
export interface OrchestratorOptions {
  /** The model list, in the `aiModels.json` shape (`--config` reads it from a file). */
  models: AiModelEntry[] | unknown;
  /** Where `models` came from, for error messages (default `aiModels.json`). */
  modelsSource?: string;
  /** The shared models directory (default `./models`). */
  modelsDir?: string;
  /** Listen address (default `127.0.0.1`). */
  host?: string;
  /** Listen port (default 8935; 0 = any free port). */
  port?: number;
  /** Bearer secret broadcasters must send on job routes; none = open. */
  secret?: string;
  /** Base of the URLs of stored media (default `http://<host>:<port>`). */
  publicUrl?: string;
  /** Connection caps and timeouts of the HTTP server (defaults in server-kit's `CONNECTION_DEFAULTS`). */
  connectionLimits?: ConnectionLimits;
  /** Bearer token `/metrics` requires; unset, `/metrics` answers loopback clients only. */
  metricsToken?: string;
  /** `process` (default), `docker`, or a launcher object. */
  launcher?: "process" | "docker" | Launcher;
  /** GPU ids (`["0","1"]` or `"0,1"`); none → the CPU. */
  gpus?: string[] | string;
  /** Runners one GPU (or the CPU) holds at once (default 1). */
  runnersPerGpu?: number;
  /** Process launcher: the command that starts a runner (default: the bundled `avs-runner`). */
  runnerCommand?: string[];
  /** Docker launcher: the runner image (default `ai-video-subnet/runner:latest`). */
  runnerImage?: string;
  /** Docker launcher: `bridge` (default) or `host`. */
  dockerNetwork?: "bridge" | "host";
  /** Docker launcher: the daemon's socket (default `/var/run/docker.sock`). */
  dockerSocket?: string;
  /** Name of this orchestrator, on its containers' labels (default `avs`). */
  name?: string;
  /** `url` (default): media as URLs served from `/outputs`; `data`: inline `data:` URLs. */
  mediaDelivery?: MediaDelivery;
  /** Where stored media go (default: a temporary directory, removed on stop and by the reaper if this process dies). */
  outputsDir?: string;
  /** Seconds stored media stay available (default 3600). */
  outputRetention?: number;
  /** Bytes of stored media held in memory before the oldest go to `outputsDir` (default 256 MiB). */
  outputMemoryBytes?: number;
  /** Seconds a runner has to become ready (default 300); a job waiting for a cold start waits this long at most. */
  startTimeout?: number;
  /** Seconds a job may run, all its runner calls and its mp4 encode together (default 600). */
  jobTimeout?: number;
  /**
   * Seconds a runner that has reported progress for a job may then report none before the job is cut (500), the
   * runner restarted (default 120; 0 = off). A runner that reports no progress for a job is never cut by it.
   */
  runnerStallTimeout?: number;
  /** Seconds between health checks of each runner (default 5). */
  healthInterval?: number;
  /** The ffmpeg command that encodes image-to-video's mp4 (default `ffmpeg`); checked at start when a model needs it. */
  ffmpeg?: string;
  /** Seconds a refused job is told to wait in `Retry-After` (default 1). */
  retryAfter?: number;
  /**
   * Largest multipart job body a caller may send, in bytes (default 64 MiB; 413 above). The runners it starts get
   * `MAX_UPLOAD_BYTES` of this plus 64 KiB, room for the fields the orchestrator adds when it forwards the body.
   */
  maxUploadBytes?: number;
  /** Most bytes of a runner's answer read (default 512 MiB); a larger one is cut, and its job answered 502. */
  maxAnswerBytes?: number;
  /**
   * Where uploads over 4 MiB are spooled while their job runs (not a flag). Default: a directory of this process's
   * own, `<tmpdir>/avs-orchestrator-uploads-XXXXXX` made by `mkdtemp` (0700), removed on stop (and by the reaper if
   * this process dies). A given directory is used as it is and left in place; the spool files in it are created 0600.
   */
  uploadsDir?: string;
  /** Seconds in-flight jobs get to finish on stop (default 30; the `shutdown-grace` of every binary). */
  shutdownGrace?: number;
  /** Milliseconds `GET /progress/{request_id}` waits for a job that has not started (default 30 000; not a flag). */
  progressWaitMs?: number;
  /** Log level of the default logger (default `info`). */
  logLevel?: LogLevel;
  /** A logger instead of JSON lines on stdout (the server kit's {@link Logger}, e.g. `silentLogger`). */
  log?: Logger;
}

/** A built orchestrator. */
export interface Orchestrator {
  /** The Hono app (usable with `app.request()` without listening). */
  app: Hono;
  pool: RunnerPool;
  store: OutputStore;
  /** Which runner runs which request id, for `GET /progress/{request_id}` (and who waits for a job to start). */
  progress: ProgressTracker;
  /** Where uploads over 4 MiB are spooled while their job runs (see {@link OrchestratorOptions.uploadsDir}). */
  uploadsDir: string;
  /**
   * Listens and starts warm runners; resolves once both are done (warm runners that fail keep retrying), also when a
   * stop began meanwhile: {@link Orchestrator.readiness} says whether it is ready.
   */
  start(): Promise<{ url: string; port: number }>;
  /**
   * What `GET /ready` answers: ready once started and until a stop begins while a runner of an advertised model can
   * take a job (see runners/readiness.ts), else why not.
   */
  readiness(): Readiness;
  /** Stops listening, lets in-flight jobs finish (up to `shutdownGrace`), stops every runner it started. */
  stop(): Promise<void>;
}

/**
 * @example
 * const orch = await createOrchestrator({
 *   models: [{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true, capacity: 2 }],
 *   modelsDir: "/models", port: 0, secret: "s3cret",
 * });
 * const { url } = await orch.start();
 * // ... POST `${url}/upscale` with Authorization: Bearer s3cret
 * await orch.stop();
 */
export async function createOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  const log = options.log ?? jsonLogger({ level: options.logLevel ?? "info" });
  const maxUpload = options.maxUploadBytes ?? 64 * 1024 * 1024;
  checkPublicUrl(options.host ?? "127.0.0.1", options.publicUrl);
  const parsed = parseAiModels(options.models, Object.keys(PIPELINES), options.modelsSource);
  for (const w of parsed.warnings) log.warn(w);
  // The runners it starts take the largest body a caller may send here plus what the orchestrator adds on the way
  // (the defaulted fields, routes/jobs.ts); an entry's own MAX_UPLOAD_BYTES flag still wins. External runners keep
  // theirs, and a body over it gets their 413.
  const runnerLimit = String(runnerUploadLimit(maxUpload));
  const entries = parsed.entries.map((e) =>
    e.url === undefined ? { ...e, optimizationFlags: { MAX_UPLOAD_BYTES: runnerLimit, ...e.optimizationFlags } } : e,
  );
  checkFfmpeg(
    entries.map((e) => e.pipeline),
    options.ffmpeg,
  );
  if ((options.launcher ?? "process") === "process") checkRunnerFfmpeg(entries, options.modelsSource);
  const modelsDir = resolve(options.modelsDir ?? "models");
  const gpus = parseGpus(options.gpus);
  const runnersPerGpu = options.runnersPerGpu ?? 1;
  if (!Number.isInteger(runnersPerGpu) || runnersPerGpu < 1 || runnersPerGpu > 64) {
    throw new ConfigError(`runners-per-gpu must be a whole number from 1 to 64, got ${runnersPerGpu}`);
  }
  // One reaper for the whole process: if it dies (even by kill -9) the reaper stops the launcher's runners (process
  // groups, containers), then removes the scratch directories made below, which no restart would ever find again
  // (their names are random).
  const reaper = new Reaper();
  const launcher = makeLauncher(options, reaper);
  const pool = new RunnerPool({
    entries,
    launcher,
    modelsDir,
    gpus,
    runnersPerGpu,
    startTimeoutMs: (options.startTimeout ?? 300) * 1000,
    healthIntervalMs: (options.healthInterval ?? 5) * 1000,
    retryAfterSec: options.retryAfter ?? 1,
    log,
    ...(options.modelsSource ? { source: options.modelsSource } : {}),
  });
  // After the pool's own checks (warm runners that do not fit): what would fail a runner at every start.
  const kind = typeof options.launcher === "object" ? undefined : (options.launcher ?? "process");
  if (kind === "process" || kind === "docker") {
    const context = { modelsDir, launcher: kind, ...(options.modelsSource ? { source: options.modelsSource } : {}) };
    for (const w of checkRunnerStarts(entries, context)) log.warn(w);
  }
  // Job bodies are forwarded to the runner as they came (see routes/jobs.ts): kept in memory up to 4 MiB, spooled
  // to a temporary file beyond (removed when the job ends), so a large upload is never held in memory whole. The
  // default spool directory is this process's own, made by mkdtemp (0700, a new name no one could create first)
  // once the configuration is known to be good, and removed on stop; an operator's `uploadsDir` is left in place.
  const uploadsDir = options.uploadsDir ?? (await mkdtemp(join(tmpdir(), "avs-orchestrator-uploads-")));
  if (options.uploadsDir === undefined) reaper.removeOnExit(uploadsDir);
  const validator = await RequestValidator.create(orchestratorDocument, {
    maxMultipartBytes: maxUpload,
    keepMultipart: { dir: uploadsDir },
  });
  const store = outputStoreIn(options, log);
  // An operator's output-dir is never the reaper's to remove; what an earlier run left in it (a stop or a crash
  // ends the in-memory index of names) is this run's to delete, or nothing ever would.
  if (!options.outputsDir) reaper.removeOnExit(store.dir);
  else {
    // A directory it cannot list still takes new outputs, as before: a warning, not a failed start.
    const taken = await store.takeOver().catch((err: Error) => err);
    if (taken instanceof Error) log.warn("output-dir not taken over", { output_dir: store.dir, error: taken.message });
    else {
      log.info("output-dir taken over", {
        output_dir: store.dir,
        expired_deleted: taken.expired,
        partial_encodes_deleted: taken.partial,
        kept_until_retention: taken.kept,
      });
    }
  }
  const metrics = createMetrics(() => pool.capabilities());
  let publicUrl = options.publicUrl?.replace(/\/+$/, "") ?? "";

  const app = new Hono();
  app.onError(
    errorHandler(log, {
      // A request turned away before its handler (a wrong token, a body too large or of the wrong type, a field out
      // of range) gets no `job done` line: it is counted and logged here. The answer is already made.
      refused(c, status, message, err) {
        if (failedJob(err)) return;
        const route = c.req.routePath;
        metrics.refused.inc({ route, status: String(status) });
        log.info("request refused", {
          request_id: getRequestId(c),
          method: c.req.method,
          route,
          status,
          error: message.length > MAX_LOGGED_MESSAGE ? `${message.slice(0, MAX_LOGGED_MESSAGE)}…` : message,
        });
      },
    }),
  );
  app.notFound(notFoundHandler(app));
  app.use(requestId());
  mountStatusRoutes(app, validator, {
    pool,
    store,
    metrics,
    version: pkg.version,
    metricsToken: options.metricsToken,
    readiness: () => readiness(),
  });
  const auth = bearerAuth({
    token: options.secret,
    missing: "missing bearer token: send Authorization: Bearer <secret>",
  });
  const progress = new ProgressTracker(options.progressWaitMs ? { waitMs: options.progressWaitMs } : {});
  mountProgressRoute(app, validator, { tracker: progress, log }, auth);
  mountJobRoutes(
    app,
    validator,
    {
      pool,
      metrics,
      log,
      progress,
      delivery: { delivery: options.mediaDelivery ?? "url", store, ffmpeg: options.ffmpeg ?? "ffmpeg" },
      publicUrl: () => publicUrl,
      stopping: () => stopping !== undefined,
      cutting: () => cutting,
      jobTimeoutMs: (options.jobTimeout ?? 600) * 1000,
      stallTimeoutMs: (options.runnerStallTimeout ?? 120) * 1000,
      maxAnswerBytes: options.maxAnswerBytes ?? MAX_ANSWER_BYTES,
    },
    auth,
  );

  let http: HttpServer | undefined;
  let stopping: Promise<void> | undefined;
  /** Set when the stop's grace runs out: jobs aborted from then on were cut by the stop, not by their clients. */
  let cutting = false;
  /** Set once the warm runners' start is over (see readiness). */
  let started = false;
  async function listenAndWarm() {
    const host = options.host ?? "127.0.0.1";
    // A launcher that cannot start runners (no dockerd, no image) is refused before the port is taken.
    await pool.prepare();
    http = await listen(app.fetch, { host, port: options.port ?? 8935, limits: options.connectionLimits });
    publicUrl ||= http.url;
    log.info("listening", {
      port: http.port,
      host,
      url: http.url,
      publicUrl,
      launcher: launcher.kind,
      models: entries.length,
    });
    warnIfOpen(log, {
      host,
      token: options.secret,
      routes: "job routes",
      setting: "--secret (AVS_ORCHESTRATOR_SECRET)",
    });
    await pool.start();
    started = true;
    return { url: http.url, port: http.port };
  }
  function readiness(): Readiness {
    if (stopping) return { ready: false, reason: "stopping: this orchestrator takes no new jobs" };
    if (started) return runnersReadiness(pool);
    const boot = pool.runners.filter((r) => r.entry.warm || r.external);
    const up = boot.filter((r) => r.state === "ready").length;
    return { ready: false, reason: `starting: ${up} of ${boot.length} warm runners ready` };
  }

  const orchestrator: Orchestrator = {
    app,
    pool,
    store,
    progress,
    uploadsDir,
    readiness,
    async start() {
      try {
        return await listenAndWarm();
      } catch (err) {
        // A failed start (a port in use or out of range, a refused address) exits the process: the temporary
        // outputs and uploads directories go with it, as on a clean stop, but without a `stopped` line, which
        // would come before the error that explains the exit and read as if the start had succeeded.
        await shutdown(false).catch(() => {});
        throw err;
      }
    },
    stop: () => shutdown(true),
  };
  function shutdown(logStopped: boolean): Promise<void> {
    stopping ??= (async () => {
      const graceMs = (options.shutdownGrace ?? 30) * 1000;
      // Armed before http.stop arms its own timer of the same length, which cuts the connections: this one fires
      // first, so the jobs those cuts abort are logged as stopped (503), not as hung up (499).
      const cut = setTimeout(() => {
        cutting = true;
      }, graceMs);
      cut.unref();
      await http?.stop(graceMs);
      clearTimeout(cut);
      await pool.stop();
      progress.close();
      await store.close();
      if (options.uploadsDir === undefined) await rm(uploadsDir, { recursive: true, force: true });
      await reaper.close();
      if (logStopped) log.info("stopped");
    })();
    return stopping;
  }
  return orchestrator;
}
