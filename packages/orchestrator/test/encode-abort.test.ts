/**
 * @module A caller that hangs up while the orchestrator encodes image-to-video's mp4: the encode stops at once — its
 * ffmpeg killed, the frames no longer fed to it, the partial file removed, nothing stored — and the job is logged and
 * counted as 499, not 200. The runner is a runner-like server answering frames; `ffmpeg` is a wrapper that records its
 * pid, writes a partial output and then hangs, so the hang-up always lands mid-encode (the start-up check of libx264
 * goes to the real ffmpeg).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive, eventually, fakeRunner, png, startOrchestrator } from "./helpers.js";

type LogLine = { level: string; msg: string; fields?: LogFields };

const MODEL = "tiny/svd";

describe("hang-up during the mp4 encode", () => {
  const work = mkdtempSync(join(tmpdir(), "avs-encode-abort-"));
  const pids = join(work, "ffmpeg.pids");
  const outputs = join(work, "outputs");
  const lines: LogLine[] = [];
  const log: Logger = {
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
  };
  let runner: http.Server;
  let runnerUrl: string;
  let orch: Awaited<ReturnType<typeof startOrchestrator>>;

  beforeAll(async () => {
    const ffmpeg = join(work, "ffmpeg");
    writeFileSync(
      ffmpeg,
      [
        "#!/bin/sh",
        'case "$*" in *-encoders*) exec ffmpeg "$@";; esac',
        `echo $$ >> '${pids}'`,
        'for out; do :; done; printf partial > "$out"',
        // Reads nothing: the orchestrator's writer waits for room in the pipe, as with a slow encode.
        "exec sleep 120",
        "",
      ].join("\n"),
    );
    chmodSync(ffmpeg, 0o755);
    // 40 frames of ~12 KB: more than the pipe holds, so the writer is still feeding ffmpeg when the caller leaves.
    const frame = `data:image/png;base64,${Buffer.from(png(64, 64)).toString("base64")}`;
    const frames = Array.from({ length: 40 }, () => ({ url: frame, seed: 7, nsfw: false }));
    let url: string;
    ({ server: runner, url } = await fakeRunner((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ frames: [frames] }));
      });
    }));
    runnerUrl = url;
    orch = await startOrchestrator({
      models: [{ pipeline: "image-to-video", model_id: MODEL, url, token: "ext" }],
      ffmpeg,
      outputsDir: outputs,
      log,
    });
  }, 60_000);
  afterAll(async () => {
    runner?.closeAllConnections();
    await orch?.stop();
    runner?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("kills ffmpeg, stores nothing and records 499", async () => {
    const form = new FormData();
    form.set("model_id", MODEL);
    form.set("image", new Blob([new Uint8Array(png(8, 8))], { type: "image/png" }), "in.png");
    const caller = new AbortController();
    const answered = fetch(`${orch.url}/image-to-video`, { method: "POST", body: form, signal: caller.signal });
    answered.catch(() => {});
    const pid = await eventually(
      () => existsSync(pids) && Number(readFileSync(pids, "utf8").trim().split("\n")[0]),
      20_000,
      "ffmpeg started",
    );
    await eventually(() => readdirSync(outputs).some((f) => f.startsWith(".encoding-")), 5000, "partial output");
    caller.abort();
    await expect(answered).rejects.toThrow();
    const done = await eventually(() => lines.find((l) => l.msg === "job done"), 10_000, "job done logged");
    expect(done).toMatchObject({ level: "info", fields: { status: 499, model_id: MODEL } });
    // Killed, not left to run out its 120 s sleep. encodeMp4 waits for ffmpeg's exit before the job can be logged,
    // yet one CI run at load ~10 found the pid still alive at the log (a cause not found by reading or by 800 kill-and-
    // check rounds under load): the bound is a few seconds, which still tells a kill from a sleep left running.
    await eventually(() => !alive(pid), 5000, `ffmpeg (pid ${pid}) gone`);
    expect(readdirSync(outputs)).toEqual([]);
    expect(orch.store.memoryUsed).toBe(0);
    const text = await (await fetch(`${orch.url}/metrics`)).text();
    expect(text).toContain(`avs_orchestrator_jobs_total{pipeline="image-to-video",model_id="${MODEL}",status="499"} 1`);
    expect(text).not.toMatch(/avs_orchestrator_jobs_total\{[^}]*status="200"\}/);
    expect(lines.filter((l) => l.level !== "info")).toEqual([]);
  }, 60_000);

  it("says it was ffmpeg that job-timeout stopped when the encode ran past it", async () => {
    const timed = await startOrchestrator({
      models: [{ pipeline: "image-to-video", model_id: MODEL, url: runnerUrl, token: "ext" }],
      ffmpeg: join(work, "ffmpeg"),
      jobTimeout: 2,
    });
    try {
      const form = new FormData();
      form.set("model_id", MODEL);
      form.set("image", new Blob([new Uint8Array(png(8, 8))], { type: "image/png" }), "in.png");
      const res = await fetch(`${timed.url}/image-to-video`, { method: "POST", body: form });
      expect([res.status, ((await res.json()) as { detail: { msg: string } }).detail.msg]).toEqual([
        500,
        "the job did not finish within job-timeout (2 s); it was stopped (its mp4 encode: ffmpeg was killed)",
      ]);
    } finally {
      await timed.stop();
    }
  }, 60_000);
});
