/**
 * @module The in-process target: a runner started inside avs-bench on a model directory with the runner package's
 * own server (`startRunnerServer`; inference in its worker thread), so a model can be measured before any server is
 * deployed. Load time is measured from start to the model being ready.
 */

/** A runner started in this process. */
export interface InProcessRunner {
  url: string;
  loadMs: number;
  stop(): Promise<void>;
}

/**
 * Starts a runner for `pipeline` + `modelId` from `modelDir` on a free loopback port and waits for its model.
 * @example const r = await startInProcessRunner({ pipeline: "upscale", modelId: "tiny/esrgan-x4", modelDir: "./models" });
 */
export async function startInProcessRunner(o: {
  pipeline: string;
  modelId: string;
  modelDir: string;
  executionProvider?: string;
  intraOpThreads?: number;
  queueSize?: number;
}): Promise<InProcessRunner> {
  // Loaded only here: benchmarking a URL must not need ONNX Runtime.
  const runner = await import("@ai-video-subnet/runner");
  const config = runner.loadConfig([], {
    PIPELINE: o.pipeline,
    MODEL_ID: o.modelId,
    MODEL_DIR: o.modelDir,
    PORT: "0",
    HOST: "127.0.0.1",
    QUEUE_SIZE: String(o.queueSize ?? 64),
    ...(o.executionProvider ? { EXECUTION_PROVIDER: o.executionProvider } : {}),
    ...(o.intraOpThreads !== undefined ? { INTRA_OP_THREADS: String(o.intraOpThreads) } : {}),
  });
  const started = performance.now();
  const server = await runner.startRunnerServer(config, runner.silentLogger);
  try {
    await server.runner.ready;
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: server.url, loadMs: performance.now() - started, stop: () => server.stop() };
}
