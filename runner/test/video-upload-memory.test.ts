/**
 * @module An `avs-runner` process's memory for a video upload does not grow with the upload's size: its peak RSS
 * (VmHWM, reset before each request through `/proc/<pid>/clear_refs`) rises by about as much for 96 MiB as for
 * 16 MiB, since the upload streams to a scratch file. When the body was read whole (and copied into a Blob for the
 * pipeline), 83 MB of video raised it by ~190 MB. Linux only (`/proc`).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelsDir, type RunnerProcess, spawnRunner, waitFor } from "./helpers.js";
import { multipartBody, startUpload, type UploadAnswer } from "./upload-client.js";

const MiB = 1024 * 1024;

/** A process's peak and current resident memory in bytes, from `/proc/<pid>/status`. */
async function memory(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, "latin1");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { peak: kb("VmHWM"), now: kb("VmRSS") };
}

describe.skipIf(!existsSync("/proc/self/clear_refs"))("a video upload's memory in the runner process", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let runner: RunnerProcess;

  beforeAll(async () => {
    models = await modelsDir(["tiny/esrgan-x4"]);
    runner = spawnRunner({
      PIPELINE: "video-upscale",
      MODEL_ID: "tiny/esrgan-x4",
      MODEL_DIR: models.dir,
      MAX_UPLOAD_BYTES: String(128 * MiB),
    });
    await waitFor(() => runner.lines.some((l) => l.msg === "model loaded"), 30_000, "the model to load");
  });
  afterAll(async () => {
    runner?.child.kill("SIGTERM");
    await runner?.exited;
    await models?.cleanup();
  });

  /** Sends `size` bytes of text as the video (not a video: refused once ffprobe has read it); the peak RSS rise. */
  async function upload(size: number): Promise<{ rise: number; answer: UploadAnswer }> {
    const pid = runner.child.pid!;
    await writeFile(`/proc/${pid}/clear_refs`, "5");
    const before = await memory(pid);
    const piece = Buffer.alloc(MiB, "this is not a video; ");
    const { contentType, body } = multipartBody({ field: "video", name: "clip.mp4", bytes: piece });
    const [head, tail] = [body.subarray(0, body.indexOf(piece)), body.subarray(body.indexOf(piece) + piece.length)];
    const up = startUpload(`${runner.url()}/video-upscale`, head.length + size + tail.length, {
      "content-type": contentType,
    });
    await up.send(head);
    for (let sent = 0; sent < size; sent += MiB) await up.send(piece);
    up.end(tail);
    const answer = await up.answer;
    return { rise: (await memory(pid)).peak - before.now, answer };
  }

  it("rises by about as much for 96 MiB as for 16 MiB, and answers both alike", async () => {
    await upload(2 * MiB);
    const small = await upload(16 * MiB);
    const large = await upload(96 * MiB);
    for (const { answer } of [small, large]) {
      expect([answer.status, JSON.parse(answer.text).detail.msg]).toEqual([
        415,
        expect.stringMatching(/^video is not a video ffmpeg/),
      ]);
    }
    const mb = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    expect(
      large.rise - small.rise,
      `peak RSS rise: ${mb(small.rise)} for 16 MiB, ${mb(large.rise)} for 96 MiB`,
    ).toBeLessThan(16 * MiB);
  }, 60_000);
});
