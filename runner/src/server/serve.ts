/**
 * @module Serving a runner app on a port: first refuses to start when the models folder or the model's folder cannot
 * be read (`checkServable`: one error naming the folder and what to fix, before anything is loaded), then removes the
 * job scratch dirs a killed runner left in the temporary directory (one `removed stale scratch dirs` line; see
 * internal/scratch-dirs.ts), then logs one `listening` line with the real port (and a `warn` line when it listens
 * beyond loopback without AUTH_TOKEN) and one `job done` line per job with its request id, and on SIGTERM, SIGINT or
 * SIGHUP stops gracefully (the server kit's `listen`: stop accepting, finish the running job, stop the worker, then
 * give connections `SHUTDOWN_GRACE` seconds) and exits.
 */
import {
  type FetchHandler,
  type HttpServer,
  listen,
  REQUEST_ID_HEADER,
  stopOnSignals,
  warnIfOpen,
} from "@ai-video-subnet/server-kit";
import type { ServerType } from "@hono/node-server";
import type { RunnerConfig } from "../config.js";
import { sweepStaleScratch } from "../internal/scratch-dirs.js";
import { mark, timelineOn } from "../internal/timeline.js";
import { jsonLogger, type Logger } from "../log.js";
import { modelPath } from "../models/layout.js";
import { checkServable } from "../models/model-dir.js";
import { createRunnerApp, type RunnerApp } from "./app.js";

/** A running runner server. */
export interface RunnerServer {
  runner: RunnerApp;
  server: ServerType;
  port: number;
  url: string;
  /** Graceful stop: stop accepting, finish the running job, stop the worker, close the server. */
  stop(): Promise<void>;
}

/**
 * Logs every job (a POST) once it is answered: its request id (the caller's `X-Request-Id`, or the one the app
 * made), route, status and time, so one id finds the job in the runner's log as in every other layer's; a failed
 * job's line adds the message its client got (`error`) and ffmpeg's whole stderr tail (`stderr`) when its error had
 * one, which the client's message does not carry.
 */
function logJobs(runner: RunnerApp, log: Logger, config: RunnerConfig): FetchHandler {
  const fetch: FetchHandler = runner.app.fetch;
  return async (request, env) => {
    if (request.method !== "POST") return fetch(request, env);
    const started = performance.now();
    const res = await fetch(request, env);
    const failure = runner.failureOf(request);
    log.info("job done", {
      request_id: res.headers.get(REQUEST_ID_HEADER) ?? request.headers.get(REQUEST_ID_HEADER) ?? "",
      path: new URL(request.url).pathname,
      pipeline: config.pipeline,
      model_id: config.modelId,
      status: res.status,
      ms: Math.round(performance.now() - started),
      ...failure,
    });
    return res;
  };
}

/**
 * Starts a runner server (use `port: 0` for any free port).
 * @throws {Error} before anything is loaded when `MODEL_DIR` or `MODEL_DIR/<MODEL_ID>` cannot be read
 *   (`checkServable`).
 * @example const { url, stop } = await startRunnerServer({ ...config, host: "127.0.0.1", port: 0 })
 */
export async function startRunnerServer(config: RunnerConfig, log: Logger = jsonLogger): Promise<RunnerServer> {
  checkServable(config.modelDir, modelPath(config.modelDir, config.modelId));
  // Jobs' scratch dirs of a runner that was killed (no `finally` ran): the upload and a partial output each.
  const swept = await sweepStaleScratch();
  if (swept.removed.length > 0) {
    log.info("removed stale scratch dirs", {
      dirs: swept.removed.length,
      bytes: swept.bytes,
      names: swept.removed.slice(0, 20),
    });
  }
  const runner = await createRunnerApp(config, log);
  const http: HttpServer = await listen(logJobs(runner, log, config), {
    host: config.host,
    port: config.port,
    limits: { bodyIdleTimeoutMs: Math.round(config.bodyIdleTimeout * 1000) },
  });
  if (timelineOn) {
    // Debugging only (see internal/timeline.ts): a job's arrival, the end of its upload, its last byte handed over.
    (http.server as unknown as import("node:http").Server).prependListener("request", (req, res) => {
      if (req.method !== "POST") return;
      mark("request");
      req.once("end", () => mark("body-read"));
      res.once("finish", () => mark("response-finished"));
    });
  }
  log.info("listening", {
    port: http.port,
    host: config.host,
    pipeline: config.pipeline,
    model_id: config.modelId,
    url: http.url,
  });
  warnIfOpen(log, {
    host: config.host,
    token: config.authToken,
    routes: "generate routes",
    setting: "AUTH_TOKEN (--auth-token)",
  });
  return {
    runner,
    server: http.server,
    port: http.port,
    url: http.url,
    stop: () => http.stop(config.shutdownGrace * 1000, () => runner.close()),
  };
}

/** The log line of a stop that cannot wait for the model's load to end. */
const EXITING_HARD =
  "exiting hard: the model load did not end within 2 s (a large model, or a read blocked on a hung mount)";

/**
 * Serves until SIGTERM, SIGINT or SIGHUP, then shuts down gracefully and exits.
 * @example await serveUntilSignal(loadConfig(process.argv.slice(2)))
 */
export async function serveUntilSignal(config: RunnerConfig, log: Logger = jsonLogger): Promise<void> {
  // Listened for before the server listens: a signal sent as soon as "listening" is logged is a graceful stop too,
  // and one that comes before the server is up is served once it is. The same signal again ends the process at once:
  // the stop waits for the running job, however long it takes.
  let running: RunnerServer | undefined;
  const signals = stopOnSignals({
    log,
    stoppingMessage: "shutting down",
    failedMessage: "shutdown failed",
    fields: () => ({ queue_depth: running?.runner.queue.depth }),
    repeat: "default-action",
  });
  running = await startRunnerServer(config, log);
  const server = running;
  signals.arm(async (signal) => {
    await server.stop();
    if (server.runner.engine.stuck) {
      // exit() would join the loading worker thread (or wait forever for a blocked one): the signal's default action
      // ends the process at once (status 128 + 15 for SIGTERM, 128 + 2 for SIGINT, 128 + 1 for SIGHUP).
      log.error(EXITING_HARD, { signal });
      return "by-signal";
    }
    log.info("stopped");
  });
}
