/**
 * @module `avs-runner bench --pipeline image-to-video` runs end to end on the tiny models (in-process, then through an
 * avs-runner process) and writes its JSON report; `--baseline` compares two runner processes request by request, and
 * `--timeline` prints a request's milestones through a runner process in their causal order.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));

/** The parts of the bench's JSON report the flags' tests read. */
type Report = { request?: { ab?: unknown }; timeline?: { milestones: { name: string; ms: number }[] } };

/** Runs the bench with `args` in a fresh model dir; resolves with its stdout and its JSON report. */
async function bench(args: string[]): Promise<{ stdout: string; report: Report }> {
  const dir = await mkdtemp(join(tmpdir(), "avs-svd-bench-"));
  try {
    const json = join(dir, "report.json");
    const all = ["bench", "--pipeline", "image-to-video", "--model-dir", dir, ...args, "--json", json];
    const { stdout } = await promisify(execFile)("node", [BIN, ...all]);
    return { stdout, report: JSON.parse(await readFile(json, "utf8")) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("avs-runner bench --pipeline image-to-video", () => {
  it("compares the pipeline with its sessions and the floor, and measures peak memory cold and warm", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-svd-bench-"));
    try {
      const json = join(dir, "svd.json");
      const args = [
        "bench",
        "--pipeline",
        "image-to-video",
        "--model-dir",
        dir,
        "--runs",
        "3",
        "--warmup",
        "1",
        "--steps",
        "4",
      ];
      const memory = ["--memory-width", "128", "--memory-height", "64", "--memory-steps", "2", "--request-runs", "2"];
      const { stdout } = await promisify(execFile)("node", [BIN, ...args, ...memory, "--json", json]);
      expect(stdout).toMatch(/benchmarking image-to-video on tiny\/svd: 14 frames 64×64, 4 steps/);
      expect(stdout).toMatch(
        /pipeline \/ session\.run = [\d.]+ \(target ≤ 1\.05\); outside ONNX Runtime: [\d.]+ ms per request/,
      );
      // Image encoder, VAE encoder, four UNet steps, four decoder chunks of 4, 4, 4 and 2 frames.
      expect(stdout).toMatch(/floor: the same 10 session\.run calls replayed back to back = [\d.]+/);
      // The same comparison in CPU time of the benchmark's process, which waiting for a core does not inflate.
      expect(stdout).toMatch(
        /CPU of this process, each request then one request's calls replayed \(3 pairs, p50s\): request [\d.]+ ms, replayed session\.run [\d.]+ ms = [\d.]+; outside ONNX Runtime -?[\d.]+ ms per request/,
      );
      expect(stdout).toMatch(/memory, tiny\/svd-xt 25 frames 128×64, 2 steps, decode chunk 4, .*raw frames 0\.6 MB/);
      expect(stdout).toMatch(
        / {2}warm again: [\d.]+ s, idle RSS [\d.]+ MB, peak above idle -?[\d.]+ MB = -?[\d.]+× the raw frames \(-?[\d.]+ MB before decoding\)/,
      );
      // The same through an avs-runner process: request vs session.run, its peak RSS, mp4 encoding per frame.
      expect(stdout).toMatch(
        /request through the runner \(POST \/image-to-video, tiny\/svd 64×64, 4 steps, 2 runs\): p50 [\d.]+ ms; \/ summed session\.run p50 = [\d.]+ \(target ≤ 1\.05; session\.run of the same requests in-process, each right after its request: p50 [\d.]+ ms\)/,
      );
      expect(stdout).toMatch(/request memory, runner process, tiny\/svd-xt 25 frames 128×64, 2 steps/);
      // mp4 encoding per frame by x264 preset, each against ffmpeg only reading the PNGs, at both sizes.
      expect(stdout).toMatch(
        /mp4 encoding, 128×64, 25 frames .*floor = ffmpeg reading the PNGs alone, [\d.]+ ms per frame/,
      );
      expect(stdout).toMatch(
        /mp4 encoding, 64×64, 14 frames .*floor = ffmpeg reading the PNGs alone, [\d.]+ ms per frame/,
      );
      for (const preset of ["veryfast", "superfast", "ultrafast"]) {
        expect(stdout).toMatch(
          new RegExp(` {2}${preset} +[\\d.]+ ms per frame = [\\d.]+× the floor, \\d+ bytes, PSNR [\\d.]+ dB`),
        );
      }
      const report = JSON.parse(await readFile(json, "utf8"));
      expect(report).toMatchObject({ model_id: "tiny/svd", runs: 3, steps: 4, session_runs_per_request: 10 });
      expect(report.cpu).toMatchObject({ runs: 3 });
      expect(report.cpu.request_cpu_ms).toBeGreaterThan(0);
      expect(report.cpu.replay_cpu_ms).toBeGreaterThan(0);
      expect(Object.keys(report.session_ms_by_component).sort()).toEqual([
        "image_encoder",
        "unet",
        "vae_decoder",
        "vae_encoder",
      ]);
      expect(report.ratio).toBeGreaterThan(1);
      expect(report.memory).toMatchObject({ model_id: "tiny/svd-xt", frames: 25, width: 128, height: 64 });
      expect(report.memory.rounds.map((r: { run: string }) => r.run)).toEqual(["cold", "warm", "warm again"]);
      expect(report.memory.rounds[0].peak_above_idle_mb).toBeGreaterThan(0);
      // The peak through denoising is part of the whole request's.
      const cold = report.memory.rounds[0];
      expect(cold.denoise_peak_above_idle_mb).toBeLessThanOrEqual(cold.peak_above_idle_mb);
      expect(report.request.time.ratio).toBeGreaterThan(1);
      expect(report.request.time.session_p50_ms).toBeGreaterThan(0);
      expect(report.request.memory.rounds.map((r: { run: string }) => r.run)).toEqual(["cold", "warm", "warm again"]);
      expect(report.request.mp4).toMatchObject({ width: 128, height: 64, frames: 25 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("--baseline: the same requests through this build's runner and another's, with identical frames", async () => {
    const runner = fileURLToPath(new URL("..", import.meta.url));
    const { stdout, report } = await bench(
      ["--runs", "1", "--warmup", "0", "--steps", "2", "--memory-model-id", "none", "--request-runs", "2"].concat([
        "--baseline",
        runner,
      ]),
    );
    expect(stdout).toMatch(
      /A\/B through the runner \(the same client, 2 pairs of the same request, order alternating\): this build p50 [\d.]+ ms, baseline \(.*dist\/cli\.js\) p50 [\d.]+ ms, paired median difference -?[\d.]+ ms; frames byte-identical in every pair/,
    );
    expect(report.request?.ab).toMatchObject({ pairs: 2, same_frames: true });
  }, 240_000);

  it("--timeline: a request's milestones through a runner process, in their causal order", async () => {
    const { stdout, report } = await bench(["--timeline", "--warmup", "1", "--steps", "4", "--request-runs", "2"]);
    expect(stdout).toMatch(
      /timeline of a request through the runner \(POST \/image-to-video, tiny\/svd 64×64, 4 steps/,
    );
    // Image encoder, VAE encoder, four UNet steps, four decoder chunks (the runner's default of 4 frames).
    expect(stdout).toMatch(/session\.run: [\d.]+ ms in 10 calls/);
    const at = new Map((report.timeline?.milestones ?? []).map((m) => [m.name, m.ms]));
    const chain = [
      "client client-send",
      "http request",
      "http handler",
      "http image-decoded",
      "http queue-slot",
      "http job-posted",
      "worker job-received",
      "worker first session.run",
      "worker last session.run end",
      "worker job-done",
      "http job-result",
      "http answer-chunk",
      "http answer-end",
      "client client-done",
    ];
    const times = chain.map((name) => at.get(name));
    expect(times.every((t) => typeof t === "number")).toBe(true);
    expect([...times].sort((a, b) => (a as number) - (b as number))).toEqual(times);
    expect(at.get("client client-send")).toBe(0);
  }, 240_000);
});
