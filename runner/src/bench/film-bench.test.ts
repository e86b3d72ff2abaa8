/** @module `avs-runner bench --pipeline frame-interpolation` runs end to end on tiny/film and writes its JSON report. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/avs-runner.mjs", import.meta.url));

it("benchmarks the FILM core against its summed session.run and reports the ratio", async () => {
  const dir = await mkdtemp(join(tmpdir(), "avs-film-bench-"));
  try {
    const json = join(dir, "film.json");
    const args = ["bench", "--pipeline", "frame-interpolation", "--model-dir", dir, "--width", "100", "--height", "60"];
    const { stdout } = await promisify(execFile)("node", [
      BIN,
      ...args,
      "--runs",
      "2",
      "--warmup",
      "0",
      "--json",
      json,
    ]);
    expect(stdout).toContain("14 frames 100×60 at 7 fps → 48 frames at 24 fps (43 interpolated), 2 runs");
    expect(stdout).toMatch(/wall \/ session\.run: [\d.]+ p50, [\d.]+ best \(target ≤ 1\.05\)/);
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report).toMatchObject({ output_frames: 48, interpolated_frames: 43, pixels_in_graph: true });
    expect(report.runs).toHaveLength(2);
    for (const run of report.runs) expect(run.wall_ms).toBeGreaterThanOrEqual(run.session_ms);
    expect(report.ratio_p50).toBeGreaterThanOrEqual(1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

/** A timed line of the route benchmark, for `inside` (the time the ratio divides by). */
const routeLine = (inside: string) =>
  String.raw`128x64: 24 frames \(20 interpolated\) in [\d.]+ ms \([\d.]+ ms per output frame; the probe's [\d.]+ ms included\), ${inside} [\d.]+ ms \([\d.]+ ms/frame\) → wall / ${inside} [\d.]+× \[[\d. ]+\] \(target ≤ 1\.05; \d+ % of the run\), [\d.]+ interpolated frames/s; CPU \d+ ms in this process \(session\.run's threads included\) \+ \d+ ms in ffmpeg \(decode \+ encode\)`;

it("benchmarks the streamed route on tiny/film and on the synthetic tiny/film-conv, each line labelled", async () => {
  const dir = await mkdtemp(join(tmpdir(), "avs-film-video-bench-"));
  try {
    const json = join(dir, "route.json");
    const args = ["bench", "--pipeline", "frame-interpolation", "--video", "--model-dir", dir, "--sizes", "128x64"];
    const { stdout } = await promisify(execFile)("node", [
      BIN,
      ...args,
      ...["--seconds", "1", "--runs", "2", "--rss-seconds", "", "--json", json],
    ]);
    const line = routeLine(String.raw`summed session\.run`);
    expect(stdout).toMatch(
      /^model in this process; ONNX Runtime threads one per core, x264 threads auto, decoder threads auto; p50 of 2 runs$/m,
    );
    expect(stdout).toMatch(new RegExp(`^tiny/film ${line}$`, "m"));
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^tiny/film-conv \(synthetic, not FILM: the blend \+ 0\.33 GFLOP/frame of zero-weighted convs\) ${line}$`,
        "m",
      ),
    );
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report.timed.map((r: { model_id: string; synthetic: boolean }) => [r.model_id, r.synthetic])).toEqual([
      ["tiny/film", false],
      ["tiny/film-conv", true],
    ]);
    for (const row of report.timed) {
      expect(row.wall_ms).toBeGreaterThanOrEqual(row.session_run_ms);
      expect(row.ratios.split(" ")).toHaveLength(2);
      // The encoder and decoder are real ffmpeg processes, reaped before the run ends.
      expect(row.ffmpeg_cpu_ms).toBeGreaterThan(0);
      expect(row.process_cpu_ms).toBeGreaterThan(0);
    }
    expect(report.timed[1].session_run_per_frame_ms).toBeGreaterThan(report.timed[0].session_run_per_frame_ms);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

it("benchmarks the route's worker path: the model in the inference worker, called through the frame slots", async () => {
  const dir = await mkdtemp(join(tmpdir(), "avs-film-video-bench-"));
  try {
    const json = join(dir, "route.json");
    const args = ["bench", "--pipeline", "frame-interpolation", "--video", "--worker", "--model-dir", dir];
    const { stdout } = await promisify(execFile)("node", [
      BIN,
      ...args,
      ...["--model-id", "tiny/film", "--sizes", "128x64", "--seconds", "1", "--runs", "1"],
      ...["--x264-threads", "1", "--rss-seconds", "", "--json", json],
    ]);
    expect(stdout).toMatch(
      /^model in the inference worker \(frame slots, as the route\); ONNX Runtime threads one per core, x264 threads 1, decoder threads auto; p50 of 1 runs$/m,
    );
    expect(stdout).toMatch(new RegExp(`^tiny/film ${routeLine("summed worker job")}$`, "m"));
    const report = JSON.parse(await readFile(json, "utf8"));
    expect(report).toMatchObject({ worker: true, x264_threads: 1, runs: 1 });
    expect(report.timed[0]).toMatchObject({ model_id: "tiny/film", output_frames: 24, interpolated_frames: 20 });
    expect(report.timed[0].wall_ms).toBeGreaterThanOrEqual(report.timed[0].session_run_ms);
    expect(report.timed[0].session_run_ms).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

it("prints one job's timeline with --timeline: probe, decoder and encoder start-up, FILM calls, encoder exit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "avs-film-video-bench-"));
  try {
    const args = ["bench", "--pipeline", "frame-interpolation", "--video", "--timeline", "--model-dir", dir];
    const { stdout } = await promisify(execFile)("node", [
      BIN,
      ...args,
      ...["--model-id", "tiny/film", "--sizes", "128x64", "--seconds", "1", "--runs", "1", "--rss-seconds", ""],
    ]);
    const line = /^tiny\/film 128x64 timeline \(ms\): (.+)$/m.exec(stdout);
    expect(line).not.toBeNull();
    const at = new Map(
      line![1]!.split(", ").map((e) => {
        const [name, ms] = e.split(" ");
        return [name!, Number(ms)];
      }),
    );
    const order = (...names: string[]) => {
      for (const name of names) expect(at.get(name), name).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < names.length; i++)
        expect(at.get(names[i]!), `${names[i - 1]} ≤ ${names[i]}`).toBeGreaterThanOrEqual(at.get(names[i - 1]!)!);
    };
    order("probe-start", "probe-end", "first-film-call", "first-film-result", "last-film-result");
    order("decoder-spawned", "decoder-first-frame", "first-film-call");
    order("encoder-spawned", "encoder-took-first-frame", "encoder-input-ended", "encoder-exited", "job-end");
    order("decoder-last-frame", "last-film-result", "encoder-input-ended");
    expect(at.get("probe-start")).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
