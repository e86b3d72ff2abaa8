/**
 * @module The request half of `avs-runner bench --pipeline image-to-video`: an `avs-runner` child process serving
 * image-to-video, driven with real `POST /image-to-video` requests. Time: a request's wall time at the client
 * (multipart upload, queue, worker, the streamed PNG answer) against the summed `session.run` of the same request
 * made in-process right after it (alternating, so both see the same load). Memory: the runner process's peak RSS during a request above its RSS just before (its VmHWM,
 * reset through /proc/<pid>/clear_refs) against the raw frames' bytes, cold then warm. mp4: the answer's frames
 * encoded to H.264 as the orchestrator does, per x264 preset (svd-mp4-bench.ts).
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import sharp from "sharp";
import { runnerProcessEnvNote, startRunnerProcess } from "./http.js";
import { percentile } from "./stats.js";
import { comparePresets, presetLines } from "./svd-mp4-bench.js";
import { requestAb } from "./svd-request-diagnostics.js";

/** A runner process serving image-to-video. */
export interface VideoRunner {
  pid: number;
  /** One `POST /image-to-video`; resolves with the wall time and the frames' PNG bytes. */
  request(
    p: { width: number; height: number; steps: number; seed: number },
    mark?: (milestone: string) => void,
  ): Promise<{ ms: number; pngs: Buffer[] }>;
  stop(): Promise<void>;
}

/**
 * Starts `avs-runner serve` for image-to-video on `modelId` and waits until its model is loaded.
 * @example const runner = await startVideoRunner({ modelDir, modelId: "tiny/svd", threads: 0 });
 */
export async function startVideoRunner(o: {
  modelDir: string;
  modelId: string;
  threads: number;
  /** More environment of the runner process (e.g. `AVS_TIMELINE`). */
  env?: Record<string, string>;
  /** Another build's `dist/cli.js` to run (an A/B baseline) instead of this one's. */
  cli?: string;
}): Promise<VideoRunner> {
  const { url, pid, stop } = await startRunnerProcess(
    {
      PIPELINE: "image-to-video",
      MODEL_ID: o.modelId,
      MODEL_DIR: o.modelDir,
      MAX_VIDEO_WORK: String(2 ** 40),
      INTRA_OP_THREADS: String(o.threads),
      ...o.env,
    },
    o.cli,
  );
  try {
    const images = new Map<string, Uint8Array<ArrayBuffer>>();
    const still = async (width: number, height: number) => {
      const key = `${width}x${height}`;
      if (!images.has(key)) {
        const card = Buffer.alloc(width * height * 3, 0).map((_, i) => (i * 31 + (i >> 7)) % 256);
        const png = await sharp(card, { raw: { width, height, channels: 3 } })
          .png()
          .toBuffer();
        images.set(key, new Uint8Array(png));
      }
      return images.get(key)!;
    };
    return {
      pid,
      async request(p, mark) {
        const fields: Record<string, number> = { width: p.width, height: p.height, num_inference_steps: p.steps };
        const { body, contentType } = multipartBody(await still(p.width, p.height), { ...fields, seed: p.seed });
        const t = performance.now();
        const res = await post(`${url}/image-to-video`, body, contentType, mark);
        const ms = performance.now() - t;
        const text = res.body.toString("utf8");
        if (res.status !== 200) throw new Error(`image-to-video failed: ${res.status} ${text.slice(0, 300)}`);
        const answer = JSON.parse(text) as { frames: { url: string }[][] };
        return { ms, pngs: answer.frames[0]!.map((m) => Buffer.from(m.url.slice(m.url.indexOf(",") + 1), "base64")) };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Keep-alive connections to the runner, as the orchestrator's runner client keeps them. */
const agent = new http.Agent({ keepAlive: true });

/**
 * A `multipart/form-data` body of one PNG `image` part and text fields, in one Buffer: what the orchestrator's
 * runner client sends (`encodeMultipart` of runner-client, which the runner cannot import: runner-client depends on it).
 * @example const { body, contentType } = multipartBody(png, { width: 64, height: 64, seed: 1 });
 */
export function multipartBody(
  image: Uint8Array,
  fields: Record<string, number>,
): { body: Buffer; contentType: string } {
  const boundary = `----avsbench${randomBytes(8).toString("hex")}`;
  const part = (name: string, extra = "") =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n`;
  const parts = [Buffer.from(`${part("image", '; filename="still.png"')}Content-Type: image/png\r\n\r\n`), image];
  parts.push(Buffer.from("\r\n"));
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`${part(name)}\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** One POST over a keep-alive `node:http` connection; resolves with the status and the whole answer. */
function post(
  url: string,
  body: Buffer,
  contentType: string,
  mark?: (milestone: string) => void,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    mark?.("client-send");
    const req = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": contentType, "content-length": body.length } },
      (res) => {
        mark?.("client-headers");
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          mark?.("client-done");
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes; undefined off Linux. */
export function processRss(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** Resets a process's peak RSS (VmHWM) to its current RSS; false where that is not possible. */
export function resetProcessPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * The p50 of `runs` timed requests after `warmup` untimed ones; with `sessions`, each request is followed by the same
 * request made in this process, whose summed `session.run` is taken (so both p50s see the same load).
 */
export async function requestP50(
  runner: VideoRunner,
  p: { width: number; height: number; steps: number },
  warmup: number,
  runs: number,
  sessions?: (seed: number) => Promise<number>,
): Promise<{ p50: number; sessionP50: number | undefined; pngs: Buffer[] }> {
  let pngs: Buffer[] = [];
  for (let i = 0; i < warmup; i++) {
    await runner.request({ ...p, seed: 10_000 + i });
    await sessions?.(10_000 + i);
  }
  const ms: number[] = [];
  const inside: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runner.request({ ...p, seed: i });
    ms.push(r.ms);
    pngs = r.pngs;
    if (sessions) inside.push(await sessions(i));
  }
  return { p50: percentile(ms, 50), sessionP50: sessions ? percentile(inside, 50) : undefined, pngs };
}

const r1 = (v: number) => Math.round(v * 10) / 10;
export const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** What the request phase needs from the in-process phase and the flags. */
export interface RequestPhase {
  modelDir: string;
  /**
   * Model, size and steps of the time comparison, and `sessions(seed)`: the same request (same seed) made in-process,
   * resolving with its summed `session.run` in ms; it runs after each timed request.
   */
  time: {
    modelId: string;
    width: number;
    height: number;
    steps: number;
    sessions(seed: number): Promise<number>;
    warmup: number;
    runs: number;
  };
  /** Model, size and steps of the memory measurement (undefined: skipped). */
  memory?: { modelDir: string; modelId: string; width: number; height: number; steps: number; frames: number };
  threads: number;
  fps: number;
  /** Another build's `dist/cli.js`: also compare this build's runner with it, request by request (`--baseline`). */
  baselineCli?: string;
}

/**
 * Runs the request phase, prints its lines and returns its JSON fields.
 * @example report.request = await runRequestPhase({ modelDir, time: {...}, memory: {...}, threads: 0, fps: 6 });
 */
export async function runRequestPhase(o: RequestPhase): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const t = o.time;

  const timed = await startVideoRunner({ modelDir: o.modelDir, modelId: t.modelId, threads: o.threads });
  try {
    const measured = await requestP50(timed, t, t.warmup, t.runs, t.sessions);
    const { p50, pngs } = measured;
    const sessionP50 = measured.sessionP50 as number;
    const ratio = p50 / sessionP50;
    console.log(
      `request through the runner (POST /image-to-video, ${t.modelId} ${t.width}×${t.height}, ${t.steps} steps, ${t.runs} runs): p50 ${r3(p50)} ms; / summed session.run p50 = ${r3(ratio)} (target ≤ 1.05; session.run of the same requests in-process, each right after its request: p50 ${r3(sessionP50)} ms); outside ONNX Runtime ${r3(p50 - sessionP50)} ms per request (upload, queue, thread hops, ${t.steps}-step loop, PNG encoding of the frames, the answer)`,
    );
    const small = await comparePresets(pngs, o.fps);
    for (const line of presetLines(`${t.width}×${t.height}`, pngs.length, small)) console.log(line);
    out.time = {
      p50_ms: r3(p50),
      session_p50_ms: r3(sessionP50),
      ratio: r3(ratio),
      outside_ms: r3(p50 - sessionP50),
    };
    out.mp4_small = { width: t.width, height: t.height, frames: pngs.length, ...small };
  } finally {
    await timed.stop();
  }
  if (o.baselineCli) {
    const ab = await requestAb({ modelDir: o.modelDir, threads: o.threads, ...t }, o.baselineCli, t.warmup, t.runs);
    console.log(
      `A/B through the runner (the same client, ${ab.pairs} pairs of the same request, order alternating): this build p50 ${ab.p50_ms} ms, baseline (${o.baselineCli}) p50 ${ab.baseline_p50_ms} ms, paired median difference ${ab.paired_median_ms} ms; frames ${ab.same_frames ? "byte-identical in every pair" : "DIFFERENT in some pair"}`,
    );
    out.ab = ab;
  }
  const m = o.memory;
  if (!m) return out;
  const runner = await startVideoRunner({ modelDir: m.modelDir, modelId: m.modelId, threads: o.threads });
  try {
    const raw = m.frames * m.width * m.height * 3;
    const rounds: Record<string, unknown>[] = [];
    let pngs: Buffer[] = [];
    for (const run of ["cold", "warm", "warm again"]) {
      const idle = processRss(runner.pid);
      const reset = resetProcessPeak(runner.pid);
      const r = await runner.request({ width: m.width, height: m.height, steps: m.steps, seed: rounds.length });
      pngs = r.pngs;
      const after = reset ? processRss(runner.pid) : undefined;
      const above = idle && after ? after.peak - idle.rss : undefined;
      rounds.push({
        run,
        seconds: r1(r.ms / 1000),
        idle_mb: idle ? r1(idle.rss / 2 ** 20) : null,
        peak_above_idle_mb: above === undefined ? null : r1(above / 2 ** 20),
        ratio: above === undefined ? null : Math.round((above / raw) * 100) / 100,
      });
    }
    console.log(
      `request memory, runner process, ${m.modelId} ${m.frames} frames ${m.width}×${m.height}, ${m.steps} steps, answer streamed as PNG data URLs; raw frames ${r1(raw / 2 ** 20)} MB (target: peak above idle ≤ 1.5× that); ${runnerProcessEnvNote()}`,
    );
    for (const r of rounds) {
      console.log(
        r.ratio === null
          ? `  ${r.run}: ${r.seconds} s (peak RSS not measurable here: needs Linux /proc/<pid>/clear_refs)`
          : `  ${r.run}: ${r.seconds} s, idle RSS ${r.idle_mb} MB, peak above idle ${r.peak_above_idle_mb} MB = ${r.ratio}× the raw frames`,
      );
    }
    const mp4 = await comparePresets(pngs, o.fps);
    for (const line of presetLines(`${m.width}×${m.height}`, pngs.length, mp4)) console.log(line);
    out.memory = {
      model_id: m.modelId,
      runner_env: runnerProcessEnvNote(),
      frames: m.frames,
      width: m.width,
      height: m.height,
      raw_frames_mb: r1(raw / 2 ** 20),
      rounds,
    };
    out.mp4 = { width: m.width, height: m.height, frames: pngs.length, ...mp4 };
  } finally {
    await runner.stop();
  }
  return out;
}
