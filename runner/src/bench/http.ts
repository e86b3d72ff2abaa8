/**
 * @module The HTTP path: an `avs-runner` child process serving the model, driven with real `POST /upscale`
 * requests; load time, latency, throughput at a concurrency, and — from the runner's own `/metrics` — event-loop
 * delay p99 of its HTTP thread during the runs and its peak RSS.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RUNNER_PROCESS_ENV } from "@ai-video-subnet/server-kit";
import sharp from "sharp";
import { onStop } from "./temp-dirs.js";

/** What the runner process reports after the runs. */
export interface HttpRunnerReport {
  /** Spawn → `/health` OK. */
  ready_s: number;
  /** The runner's own `avs_runner_model_load_seconds`. */
  model_load_s: number;
  event_loop_p99_ms: number;
  event_loop_max_ms: number;
  peak_rss_mb: number;
  output_size: string;
  /** Mean time the runner's worker spent per job (`avs_runner_inference_seconds`), the warm-up job included. */
  worker_mean_ms: number;
}

/** A runner process under benchmark. */
export interface HttpRunner {
  ready_s: number;
  /** One timed `POST /upscale`, in ms. */
  runOnce(): Promise<number>;
  /** Resets the runner's event-loop histogram (it is reset at every scrape). */
  resetEventLoop(): Promise<void>;
  /** Reads the runner's metrics and stops it. */
  finish(): Promise<HttpRunnerReport>;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * A synthetic test picture (a disc and a box on black) as PNG bytes.
 * @example const png = await benchImage(256)
 */
export async function benchImage(size: number): Promise<Uint8Array<ArrayBuffer>> {
  const svg = `<svg width="${size}" height="${size}"><circle cx="50%" cy="50%" r="40%" fill="#c83"/><rect x="10" y="10" width="30%" height="20%" fill="#3a8"/></svg>`;
  const png = await sharp({ create: { width: size, height: size, channels: 3, background: "#000" } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** The CLI script of this build (`dist/cli.js`), run as the benchmarked runner. */
function cliScript(): string {
  const here = fileURLToPath(new URL("./cli.js", import.meta.url));
  return import.meta.url.endsWith(".ts") ? fileURLToPath(new URL("../../dist/cli.js", import.meta.url)) : here;
}

/** An `avs-runner serve` child process whose model has loaded. */
export interface RunnerProcess {
  url: string;
  pid: number;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * How the bench's runner processes start, for its output: the values of server-kit's {@link RUNNER_PROCESS_ENV} they
 * get, as the Docker image and the orchestrator's process launcher give them.
 */
export function runnerProcessEnvNote(): string {
  const vars = Object.keys(RUNNER_PROCESS_ENV).map((k) => `${k}=${process.env[k] ?? RUNNER_PROCESS_ENV[k]}`);
  return `runner process started with ${vars.join(" ")}, as the Docker image and the orchestrator's process launcher start it`;
}

/**
 * Starts `avs-runner serve` with `env` on a free port of 127.0.0.1 (no auth) and waits until `/health` says OK; `cli`:
 * another build's `dist/cli.js` (an A/B baseline) instead of this one's. It gets {@link RUNNER_PROCESS_ENV} as the
 * product's runner processes do, unless this process's environment or `env` sets those variables.
 * @example const runner = await startRunnerProcess({ PIPELINE: "image-to-video", MODEL_ID: "tiny/svd", MODEL_DIR: dir });
 */
export async function startRunnerProcess(env: Record<string, string>, cli = cliScript()): Promise<RunnerProcess> {
  const child = spawn(process.execPath, [cli, "serve"], {
    env: { ...RUNNER_PROCESS_ENV, ...process.env, PORT: "0", HOST: "127.0.0.1", AUTH_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Stopped with the bench: SIGINT or SIGTERM to the bench alone would leave it serving.
  const release = onStop(() => child.kill("SIGTERM"));
  const stop = async () => {
    release();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout!.on("data", (d) => {
        buf += d;
        const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(buf);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`the runner exited with code ${code} before listening`)));
    });
    for (;;) {
      const { status } = (await (await fetch(`${url}/health`)).json()) as { status: string };
      if (status === "OK") break;
      if (status === "ERROR") throw new Error("the runner failed to load its model (see its log)");
      await new Promise((r) => setTimeout(r, 20));
    }
    return { url, pid: child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts a runner process for `modelId` and returns a handle that sends it upscales of a `size`² PNG.
 * @example const runner = await startHttpRunner({ modelDir: "/models", modelId: "upscalerjs/esrgan-slim-x4", size: 256, concurrency: 1, threads: 0 })
 */
export async function startHttpRunner(options: {
  modelDir: string;
  modelId: string;
  size: number;
  concurrency: number;
  threads: number;
}): Promise<HttpRunner> {
  const t0 = performance.now();
  const { url, stop } = await startRunnerProcess({
    PIPELINE: "upscale",
    MODEL_ID: options.modelId,
    MODEL_DIR: options.modelDir,
    QUEUE_SIZE: String(Math.max(8, options.concurrency)),
    TILE_SIZE: String(Math.max(256, options.size)),
    INTRA_OP_THREADS: String(options.threads),
  });
  try {
    const readyS = (performance.now() - t0) / 1000;
    const png = await benchImage(options.size);
    let outputSize = "";
    const once = async () => {
      const form = new FormData();
      form.append("prompt", "");
      form.append("image", new Blob([png]), "bench.png");
      const t = performance.now();
      const res = await fetch(`${url}/upscale`, { method: "POST", body: form });
      const body = (await res.json()) as { images: Array<{ url: string }> };
      if (res.status !== 200) throw new Error(`upscale failed: ${res.status} ${JSON.stringify(body)}`);
      const elapsed = performance.now() - t;
      if (!outputSize) {
        const meta = await sharp(Buffer.from(body.images[0]!.url.split(",")[1]!, "base64")).metadata();
        outputSize = `${meta.width}×${meta.height}`;
      }
      return elapsed;
    };
    return {
      ready_s: Math.round(readyS * 1000) / 1000,
      runOnce: once,
      async resetEventLoop() {
        await fetch(`${url}/metrics`);
      },
      async finish() {
        try {
          const metrics = await (await fetch(`${url}/metrics`)).text();
          return {
            ready_s: Math.round(readyS * 1000) / 1000,
            model_load_s: Math.round(metric(metrics, "avs_runner_model_load_seconds") * 1000) / 1000,
            event_loop_p99_ms: Math.round(metric(metrics, "nodejs_eventloop_lag_p99_seconds") * 1e4) / 10,
            event_loop_max_ms: Math.round(metric(metrics, "nodejs_eventloop_lag_max_seconds") * 1e4) / 10,
            peak_rss_mb: Math.round(metric(metrics, "avs_runner_peak_rss_bytes") / 1024 / 1024),
            output_size: outputSize,
            worker_mean_ms:
              Math.round(
                (metric(metrics, "avs_runner_inference_seconds_sum") /
                  metric(metrics, "avs_runner_inference_seconds_count")) *
                  1e4,
              ) / 10,
          };
        } finally {
          await stop();
        }
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
