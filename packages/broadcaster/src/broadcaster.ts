/** @module `createBroadcaster`: wires the registry, output store, metrics and app, and runs the HTTP server. */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { type HttpServer, jsonLogger, type Logger, listen } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import { type AsyncJobs, createAsyncJobs } from "./async-jobs/index.js";
import { asyncJobSettings, isPostgresUrl } from "./async-jobs/options.js";
import { settlesWithin } from "./async-jobs/postgres-connection.js";
import { outputAddresses } from "./jobs/outputs.js";
import { type BroadcasterOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { OrchestratorRegistry } from "./orchestrators/registry.js";
import { LocalOutputStore } from "./outputs/local-store.js";
import { PostgresOutputStore } from "./outputs/postgres-store.js";
import { S3OutputStore } from "./outputs/s3-store.js";
import type { OutputStore } from "./outputs/store.js";
import { ApiKeys, RateLimiter } from "./server/api-keys.js";
import { buildApp } from "./server/app.js";
import { type BroadcasterMetrics, createMetrics } from "./server/metrics.js";
import { PRIVATE_DIR } from "./server/private-files.js";
import { checkUploadDir, sweepStaleUploadDirs } from "./server/upload-dir.js";
import { checkWritableDir } from "./server/writable-dir.js";

/** A broadcaster: its app (usable without a server through `app.request()`), and its server's lifecycle. */
export interface Broadcaster {
  /** The HTTP app; requests wait until the spec is loaded. */
  app: Hono;
  /** Resolves when the app is ready (the spec loaded, the store created). */
  ready: Promise<void>;
  /** Polls orchestrators, starts the output cleanup and listens. */
  start(): Promise<{ url: string; port: number }>;
  /**
   * Stops listening at once (`/ready` and the generate routes answer 503 on connections still open), polling and
   * cleanup, and claims no new asynchronous job. In-flight requests and running asynchronous jobs get up to
   * `shutdownGrace` seconds to finish (the jobs' leases still renewed); the jobs still running then are handed back
   * to the queue, so another broadcaster takes them at once. Resolves within `shutdownGrace` and a few seconds
   * whatever the job store does: work a store that cannot be reached keeps waiting is given up on (the jobs' leases
   * run out and another broadcaster takes them over).
   */
  stop(): Promise<void>;
  registry: OrchestratorRegistry;
  store: OutputStore;
  /** Asynchronous jobs: their store (SQLite or PostgreSQL), executor and webhooks. */
  jobs: AsyncJobs;
  metrics: BroadcasterMetrics;
  options: ResolvedOptions;
  logger: Logger;
}

/**
 * How long `stop()` waits after the grace for the hand-backs of the jobs still running and for the stores'
 * connections to close, ms; the hand-backs get at most {@link HAND_BACK_MS} of it.
 */
const CLOSE_STORES_MS = 3000;
const HAND_BACK_MS = 2000;

function createStore(o: ResolvedOptions): OutputStore {
  if (o.outputs.kind === "s3") return new S3OutputStore({ ...o.outputs, retentionMs: o.outputRetentionMs });
  if (o.outputs.kind === "postgres") {
    const url = o.outputs.url ?? o.jobsDb;
    if (!isPostgresUrl(url)) {
      throw new Error("outputs in PostgreSQL need a postgres:// URL: set jobs-db (or the output store's url)");
    }
    const schema = o.outputs.schema ?? o.jobsDbSchema ?? "avs";
    return new PostgresOutputStore({ url, schema, retentionMs: o.outputRetentionMs, timeoutMs: o.jobsDbTimeoutMs });
  }
  return new LocalOutputStore(o.outputs.dir, o.outputRetentionMs);
}

/**
 * Creates a broadcaster. Nothing listens or polls until `start()`.
 * @example
 * const b = createBroadcaster({ port: 0, orchestrators: ["http://127.0.0.1:8935"], orchestratorSecret: "s" });
 * const { url } = await b.start();
 * await b.stop();
 */
export function createBroadcaster(options: BroadcasterOptions = {}): Broadcaster {
  const o = resolveOptions(options);
  const logger = jsonLogger({ level: o.logLevel, write: o.logSink });
  const metrics = createMetrics();
  const store = createStore(o);
  const registry = new OrchestratorRegistry({ ...o, logger });
  const keys = new ApiKeys(o.apiKeys, o.apiKeysFile, (msg, fields) => logger.warn(msg, fields));
  if (o.apiKeysFile && !existsSync(o.apiKeysFile)) {
    logger.warn("api-keys-file does not exist; every job is refused (401) until it does", { path: o.apiKeysFile });
  }
  const limiter = o.rateLimit > 0 ? new RateLimiter(o.rateLimit) : undefined;
  const dispatchContext = {
    registry,
    store,
    metrics,
    logger,
    maxAttempts: o.maxAttempts,
    retryBudgetMs: o.retryBudgetMs,
    requestTimeoutMs: o.requestTimeoutMs,
    answers: {
      maxAnswerBytes: o.maxAnswerBytes,
      idleTimeoutMs: o.answerIdleTimeoutMs,
      maxOutputBytes: o.maxOutputBytes,
      addresses: outputAddresses(o.outputAllowNetworks, o.resolveHost),
    },
    maxPricePerPixel: o.maxPricePerUnit === undefined ? undefined : o.maxPricePerUnit / o.pixelsPerUnit,
  };
  const jobs = createAsyncJobs(asyncJobSettings(o), {
    // An asynchronous job waits for capacity longer: its client is not holding a connection open for the answer.
    dispatch: { ...dispatchContext, retryBudgetMs: o.jobsRetryBudgetMs, waitWhileUnreachable: true },
    uploadDir: o.uploadDir,
    logger,
    metrics,
    publicUrl: o.publicUrl,
    trustProxy: o.trustProxy,
    progressSource: o.progressSource,
  });
  let stopping = false;
  const inner = buildApp({
    ...dispatchContext,
    options: o,
    uploadDir: o.uploadDir,
    keys,
    limiter,
    jobs,
    stopping: () => stopping,
  });
  const storeReady = (
    store instanceof LocalOutputStore || store instanceof PostgresOutputStore ? store.init() : undefined
  )?.catch((err: Error) => {
    throw new Error(`could not open the output store (output-store ${o.outputs.kind}): ${err.message}`, {
      cause: err,
    });
  });
  storeReady?.catch(() => {});
  // A local output directory first: a SQLite job store in it (the default) would fail on it too, naming jobs-db.
  // Then the job store: its error names the `jobs-db` setting and comes within its time limit, where the output
  // store on the same database would fail with a bare connection error, or only after the kernel's.
  const outputDir = new Promise<void>((resolve) => {
    if (o.outputs.kind === "local") {
      checkWritableDir("output-dir", o.outputs.dir, "set it to a directory this process can write", PRIVATE_DIR);
    }
    resolve();
  });
  jobs.ready.catch(() => {});
  const ready = outputDir.then(() => Promise.all([inner, jobs.ready])).then(() => storeReady);
  ready.catch(() => {});
  const app = new Hono();
  app.all("*", async (c) => (await inner).fetch(c.req.raw, c.env));

  let server: HttpServer | undefined;
  let cleanup: NodeJS.Timeout | undefined;
  let gauges: NodeJS.Timeout | undefined;
  const sweep = () =>
    store
      .cleanup(Date.now())
      .then((n) => n > 0 && logger.info("expired outputs removed", { count: n }))
      .catch((err) => logger.warn("output cleanup failed", { error: (err as Error).message }));

  return {
    app,
    ready,
    registry,
    store,
    jobs,
    metrics,
    options: o,
    logger,
    async start() {
      await ready;
      const given = options.uploadDir;
      // The operator's directory first (its errors name their path), then the stale spools in it, then this one's.
      if (given !== undefined) checkUploadDir(given, true);
      await sweepStaleUploadDirs(logger, given);
      checkUploadDir(o.uploadDir, given !== undefined);
      await registry.start();
      const inst = await inner;
      // The port first: a broadcaster that cannot listen (EADDRINUSE) claimed queued jobs of the shared store before
      // it exited, spooled their inputs and left them running under its name until their leases ran out.
      server = await listen(inst.fetch, { host: o.host, port: o.port, limits: o.connectionLimits });
      try {
        await jobs.start();
      } catch (err) {
        await server.stop(0);
        server = undefined;
        throw err;
      }
      void sweep();
      cleanup = setInterval(sweep, Math.min(3600_000, Math.max(1000, o.outputRetentionMs / 10))).unref();
      gauges = setInterval(() => {
        const now = Date.now();
        const all = registry.list();
        const held = all.filter((x) => x.backoff.heldBack(now)).length;
        metrics.orchestrators.set(
          { state: "ready" },
          all.filter((x) => x.reachable && !x.backoff.heldBack(now)).length,
        );
        metrics.orchestrators.set({ state: "unreachable" }, all.filter((x) => !x.reachable).length);
        metrics.orchestrators.set({ state: "backoff" }, held);
        metrics.waiting.set(registry.waiting.size);
        // Series only for the pipelines and models that failed somewhere: they are offered by an orchestrator, so
        // client input adds none. A capability whose orchestrator came back (its holds forgotten) drops out.
        metrics.capabilityHolds.reset();
        for (const o of all) {
          for (const h of o.capabilityHolds(now)) {
            metrics.capabilityHolds.inc({ pipeline: h.pipeline, model_id: h.modelId }, h.held ? 1 : 0);
          }
        }
      }, 1000).unref();
      const { url, port } = server;
      if (o.outputs.kind === "local" && isPostgresUrl(o.jobsDb)) {
        // A job store made to be shared, outputs that are not: a job run here is read through any broadcaster, but
        // its output is served by this one alone (unless the directory is shared too).
        logger.warn("outputs are kept in a local directory while the job store is shared", {
          dir: o.outputs.dir,
          hint:
            "other broadcasters on this jobs-db answer 404 for outputs of jobs run here unless they share this " +
            "directory; --output-store postgres (or --s3-endpoint) keeps outputs where every broadcaster reads them",
        });
      }
      logger.info("listening", {
        port,
        url,
        orchestrators: registry.list().map((x) => x.url),
        store: o.outputs.kind,
      });
      return { url, port };
    },
    async stop() {
      stopping = true;
      registry.stop();
      if (gauges) clearInterval(gauges);
      if (cleanup) clearInterval(cleanup);
      const s = server;
      server = undefined;
      const graceMs = o.shutdownGrace * 1000;
      // The port closes at once; in-flight requests and running asynchronous jobs get the same grace, and the jobs
      // still running when it is over go back to the queue (another broadcaster, or this one restarted, takes them).
      const jobsStopped = jobs.stop(graceMs);
      await Promise.all([s?.stop(graceMs), settlesWithin(jobsStopped, graceMs)]);
      const after = Date.now();
      if (!(await settlesWithin(jobsStopped, HAND_BACK_MS))) {
        logger.warn("running async jobs were not handed back in time; they are taken over once their leases run out", {
          shutdown_grace_s: o.shutdownGrace,
          waited_ms: HAND_BACK_MS,
        });
      }
      // Each store gives up on connections that do not close (a store that went silent) within a few seconds.
      const closeMs = Math.max(1000, CLOSE_STORES_MS - (Date.now() - after));
      if (!(await settlesWithin(Promise.all([jobs.close(), store.close?.()]), closeMs))) {
        logger.warn("the stores' connections did not close; leaving them", { waited_ms: closeMs });
      }
      // The spool directory is this process's own (inside an operator's --upload-dir, which is left in place); it
      // goes once in-flight jobs are done.
      // (A start refused for its upload-dir, a file on the way, made none: nothing to remove.)
      await rm(o.uploadDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
