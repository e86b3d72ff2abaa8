/**
 * @module Serving a runner app on a port: logs one `listening` line with the real port, and on SIGTERM/SIGINT stops
 * accepting, finishes the running job, stops the worker and exits.
 */
import type { AddressInfo } from "node:net";
import { serve as honoServe, type ServerType } from "@hono/node-server";
import type { RunnerConfig } from "../config.js";
import { jsonLogger, type Logger } from "../log.js";
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
 * Starts a runner server (use `port: 0` for any free port).
 * @example const { url, stop } = await startRunnerServer({ ...config, host: "127.0.0.1", port: 0 })
 */
export async function startRunnerServer(config: RunnerConfig, log: Logger = jsonLogger): Promise<RunnerServer> {
  const runner = await createRunnerApp(config, log);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = honoServe({ fetch: runner.app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  log.info("listening", {
    port,
    host: config.host,
    pipeline: config.pipeline,
    model_id: config.modelId,
    url: `http://${host}:${port}`,
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.close();
      const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
      http.closeIdleConnections?.();
      // Keep-alive clients that never hang up must not hold the exit back for long.
      const force = setTimeout(() => http.closeAllConnections?.(), 5000);
      force.unref();
      await closed;
      clearTimeout(force);
    })();
    return stopping;
  };
  return { runner, server, port, url: `http://${host}:${port}`, stop };
}

/**
 * Serves until SIGTERM or SIGINT, then shuts down gracefully and exits.
 * @example await serveUntilSignal(loadConfig(process.argv.slice(2)))
 */
export async function serveUntilSignal(config: RunnerConfig, log: Logger = jsonLogger): Promise<void> {
  const running = await startRunnerServer(config, log);
  const onSignal = (signal: string) => {
    log.info("shutting down", { signal, queue_depth: running.runner.queue.depth });
    running.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err: Error) => {
        log.error("shutdown failed", { error: err.message });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
}
