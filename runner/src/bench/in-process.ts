/**
 * @module The runner app in this process, driven through `app.request()`: the whole pipeline (multipart parsing,
 * decoding, queue, worker thread, tiles, PNG encoding) without a socket or a second process.
 */
import { loadConfig } from "../config.js";
import { silentLogger } from "../log.js";
import { createRunnerApp } from "../server/app.js";
import { benchImage } from "./http.js";

/** An in-process runner app under benchmark. */
export interface InProcessRunner {
  /** One timed `POST /upscale` through `app.request()`, in ms. */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Builds the runner app for `modelId` and waits for its model.
 * @example const app = await startInProcessRunner({ modelDir, modelId, size: 256, threads: 0 }); await app.runOnce()
 */
export async function startInProcessRunner(options: {
  modelDir: string;
  modelId: string;
  size: number;
  threads: number;
}): Promise<InProcessRunner> {
  const runner = await createRunnerApp(
    {
      ...loadConfig([], {}),
      pipeline: "upscale",
      modelId: options.modelId,
      modelDir: options.modelDir,
      tileSize: Math.max(256, options.size),
      intraOpThreads: options.threads,
    },
    silentLogger,
  );
  await runner.ready;
  if (runner.engine.state !== "OK") throw new Error(`the model failed to load: ${runner.engine.error}`);
  const png = await benchImage(options.size);
  return {
    async runOnce() {
      const form = new FormData();
      form.append("prompt", "");
      form.append("image", new Blob([png]), "bench.png");
      const t = performance.now();
      const res = await runner.app.request("/upscale", { method: "POST", body: form });
      await res.json();
      if (res.status !== 200) throw new Error(`upscale failed: ${res.status}`);
      return performance.now() - t;
    },
    close: () => runner.close(),
  };
}
