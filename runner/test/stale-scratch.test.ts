/**
 * @module `avs-runner` processes sharing one temporary directory: a runner killed mid-job (SIGKILL: no `finally`
 * runs) leaves its job's scratch dir and its upload dir (the video streamed there), and the next runner started on
 * that directory removes them at start-up, while the dirs of live processes stay.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePannedClip } from "../src/bench/video-clips.js";
import { currentOwner } from "../src/internal/scratch-dirs.js";
import { VIDEO_MEMORY_BYTES } from "../src/server/upload-spool.js";
import { modelsDir, type RunnerProcess, spawnRunner, waitFor } from "./helpers.js";
import { leftovers } from "./video-fixtures.js";

describe("avs-runner sweeps the scratch dirs of killed runners at start-up", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let tmp: string;
  const runners: RunnerProcess[] = [];

  /** Starts a video-upscale runner whose temporary directory is `tmp`; resolves once it listens. */
  const start = async (): Promise<RunnerProcess> => {
    const runner = spawnRunner({
      TMPDIR: tmp,
      PIPELINE: "video-upscale",
      MODEL_ID: "tiny/esrgan-x4",
      MODEL_DIR: models.dir,
      // Many tiles per frame: the job below is still running when it is killed.
      TILE_SIZE: "16",
    });
    const { lines } = runner;
    runners.push(runner);
    await waitFor(() => lines.some((l) => l.msg === "listening"), 20_000, "the runner to listen");
    return runner;
  };
  const scratchDirs = async () => (await readdir(tmp)).filter((n) => n.startsWith("avs-video-upscale-")).sort();

  beforeAll(async () => {
    models = await modelsDir(["tiny/esrgan-x4"]);
    tmp = await mkdtemp(join(tmpdir(), "avs-stale-scratch-"));
  });
  afterAll(async () => {
    for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    await Promise.all(runners.map((r) => r.exited));
    await rm(tmp, { recursive: true, force: true });
    await models.cleanup();
  });

  it("removes a dead process's dir and keeps a live one's", async () => {
    const done = spawn("true");
    await new Promise((resolve) => done.once("exit", resolve));
    const { start: startTime, ns } = currentOwner();
    const dead = `avs-video-upscale-${done.pid}-0-${ns}-Dead01`;
    const live = `avs-frame-interpolation-${process.pid}-${startTime}-${ns}-Live01`;
    for (const name of [dead, live]) {
      await mkdir(join(tmp, name));
      await writeFile(join(tmp, name, "upload"), Buffer.alloc(4096));
    }
    const runner = await start();
    expect(existsSync(join(tmp, dead))).toBe(false);
    expect(existsSync(join(tmp, live, "upload"))).toBe(true);
    expect(runner.lines.find((l) => l.msg === "removed stale scratch dirs")).toMatchObject({
      level: "info",
      dirs: 1,
      bytes: 4096,
      names: [dead],
    });
    runner.child.kill("SIGTERM");
    await runner.exited;
    await rm(join(tmp, live), { recursive: true });
  }, 60_000);

  it("a runner SIGKILLed mid-upscale leaves its job's dir and its upload, and the next runner removes them", async () => {
    const clip = join(tmp, "clip.mkv");
    // Raw frames: larger than the runner holds in memory, so the upload streams to its upload dir.
    const codecArgs = ["-c:v", "rawvideo"];
    await writePannedClip(clip, { side: 64, frames: 600 }, { fps: "24", codecArgs });
    const upload = await readFile(clip);
    expect(upload.length).toBeGreaterThan(VIDEO_MEMORY_BYTES);
    await rm(clip);
    const first = await start();
    await waitFor(() => first.lines.some((l) => l.msg === "model loaded"), 20_000, "the model to load");
    const form = new FormData();
    form.append("video", new Blob([upload]), "clip.mkv");
    const job = fetch(`${first.url()}/video-upscale`, { method: "POST", body: form }).catch((err: Error) => err);
    // The encoder has started (output.mp4 exists): the job is in its slot, mid-video.
    await waitFor(
      async () => (await scratchDirs()).some((d) => existsSync(join(tmp, d, "output.mp4"))),
      30_000,
      "the job to start encoding",
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await job).toBeInstanceOf(Error);
    const left = await scratchDirs();
    expect(left).toEqual([
      expect.stringMatching(new RegExp(`^avs-video-upscale-${first.child.pid}-\\d+-\\d+-\\w{6}$`)),
    ]);
    // The job read the upload where it was streamed to, the runner's upload dir: no copy in the job's dir.
    expect(await readdir(join(tmp, left[0]!))).not.toContain("upload");
    const uploads = (await readdir(tmp)).filter((n) => n.startsWith("avs-runner-uploads-"));
    expect(uploads).toEqual([
      expect.stringMatching(new RegExp(`^avs-runner-uploads-${first.child.pid}-\\d+-\\d+-\\w{6}$`)),
    ]);
    const spooled = await readdir(join(tmp, uploads[0]!));
    expect(spooled).toHaveLength(1);
    expect((await readFile(join(tmp, uploads[0]!, spooled[0]!))).equals(upload)).toBe(true);
    // Nothing else.
    expect((await readdir(tmp)).sort()).toEqual([...left, ...uploads].sort());
    // The killed runner's ffmpeg children, orphaned, see their pipes close and exit.
    await waitFor(async () => (await leftovers(tmp)).length === 0, 20_000, "the orphaned ffmpeg to exit");

    const second = await start();
    expect(await scratchDirs()).toEqual([]);
    expect((await readdir(tmp)).filter((n) => uploads.includes(n))).toEqual([]);
    const swept = second.lines.find((l) => l.msg === "removed stale scratch dirs");
    expect(swept).toMatchObject({ dirs: 2, bytes: expect.any(Number) });
    expect([...(swept!.names as string[])].sort()).toEqual([...left, ...uploads].sort());
    expect(second.lines.find((l) => l.msg === "removed stale scratch dirs")!.bytes).toBeGreaterThanOrEqual(
      upload.length,
    );
    second.child.kill("SIGTERM");
    await second.exited;
  }, 120_000);
});
