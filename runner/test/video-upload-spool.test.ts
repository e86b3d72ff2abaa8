/**
 * @module Video uploads on a real runner server (`video-upscale`, tiny ×4 model; `frame-interpolation`, tiny/film):
 * a video larger than the runner keeps in memory (`VIDEO_MEMORY_BYTES`) streams to a file in the runner's own scratch
 * directory (`avs-runner-uploads-…`) as it arrives, the job's ffprobe and ffmpeg read that file where it is (no copy
 * in the job's directory), and the file is gone when the request ends, however it ends: an answer, a broken video, a
 * bad field, a body over the limit, a client that hangs up mid-upload. Statuses and messages are those of a video
 * held in memory.
 */
import { readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { VIDEO_MEMORY_BYTES } from "../src/server/upload-spool.js";
import { privateTmpdir, servedRunner, waitFor } from "./helpers.js";
import { rawVideo, spooledFiles, uploadDirs } from "./spool-files.js";
import { multipartBody, startUpload } from "./upload-client.js";
import { cleanVideoDir, ffmpegChildren, videoStream } from "./video-fixtures.js";

const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The files in the jobs' own scratch directories (`avs-<pipeline>-…`). */
async function jobFiles(pipeline: string): Promise<string[]> {
  const names: string[] = [];
  for (const d of (await readdir(tmpdir())).filter((n) => n.startsWith(`avs-${pipeline}-`))) {
    names.push(...(await readdir(join(tmpdir(), d)).catch(() => [])));
  }
  return names;
}

/**
 * Starts sending `body`, and sends its rest only once most of what was sent is in a spool file: the upload is on disk
 * while it is still arriving.
 */
async function uploadSeenOnDisk(url: string, body: Buffer, headers: Record<string, string>) {
  const upload = startUpload(url, body.length, headers);
  const first = VIDEO_MEMORY_BYTES + 128 * 1024;
  await upload.send(body.subarray(0, first));
  await waitFor(async () => (await spooledFiles()).some((f) => f.size >= VIDEO_MEMORY_BYTES), 10_000, "a spool file");
  expect(await uploadDirs()).toHaveLength(1);
  upload.end(body.subarray(first));
  return { answer: upload.answer };
}

describe("a video upload over the memory threshold (video-upscale)", () => {
  privateTmpdir();
  const { server } = servedRunner(["tiny/esrgan-x4"], {
    pipeline: "video-upscale",
    maxUploadBytes: MAX_UPLOAD_BYTES,
    progressWaitMs: 10_000,
  });
  const dir = cleanVideoDir();
  let clip: Buffer;
  const url = () => `${server().url}/video-upscale`;

  beforeAll(async () => {
    clip = await rawVideo(join(tmpdir(), "clip.avi"), 64, 48, 160);
    expect(clip.length).toBeGreaterThan(VIDEO_MEMORY_BYTES + 256 * 1024);
  });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
    expect(await jobFiles("video-upscale")).toEqual([]);
    expect(await spooledFiles()).toEqual([]);
  });

  it("streams to a file in the runner's scratch dir as it arrives, and the job reads that file", async () => {
    const { contentType, body } = multipartBody({ field: "video", name: "clip.avi", bytes: clip }, { seed: "5" });
    const progress = fetch(`${server().url}/progress/spool-1`);
    await waitFor(() => server().runner.progress.waitingFor("spool-1") === 1, 10_000, "the subscriber");
    const { answer: answered } = await uploadSeenOnDisk(url(), body, {
      "content-type": contentType,
      "x-request-id": "spool-1",
    });
    const events = (await progress).body!.getReader();
    let seen = "";
    while (!seen.includes("event: progress")) {
      const { done, value } = await events.read();
      if (done) throw new Error(`the progress stream ended before a progress event: ${seen}`);
      seen += new TextDecoder().decode(value);
    }
    // The job is running: its own directory holds no copy of the upload.
    expect(await jobFiles("video-upscale")).not.toContain("upload");
    await events.cancel();
    const answer = await answered;
    expect(answer.status).toBe(200);
    const [image] = JSON.parse(answer.text).images;
    expect(image.seed).toBe(5);
    const out = dir.path("answer.mp4");
    await writeFile(out, Buffer.from(image.url.slice("data:video/mp4;base64,".length), "base64"));
    expect(await videoStream(out)).toMatchObject({ width: "256", height: "192", nb_frames: "160" });
  });

  it("answers a broken video as it answers one held in memory, and removes its file", async () => {
    const noise = Buffer.alloc(VIDEO_MEMORY_BYTES * 2, "not a video, only text ");
    const answers = [];
    for (const bytes of [noise.subarray(0, 64 * 1024), noise]) {
      const { contentType, body } = multipartBody({ field: "video", name: "clip.mp4", bytes });
      const upload = startUpload(url(), body.length, { "content-type": contentType });
      upload.end(body);
      const { status, text } = await upload.answer;
      answers.push({ status, msg: JSON.parse(text).detail.msg });
    }
    expect(answers[0]).toEqual({ status: 415, msg: expect.stringMatching(/^video is not a video ffmpeg/) });
    expect(answers[1]).toEqual(answers[0]);
  });

  it("removes the file of a body the validator refuses after the upload (a bad field)", async () => {
    const { contentType, body } = multipartBody({ field: "video", name: "clip.avi", bytes: clip }, { seed: "-1" });
    const upload = startUpload(url(), body.length, { "content-type": contentType });
    upload.end(body);
    const { status, text } = await upload.answer;
    expect([status, JSON.parse(text).detail[0].msg]).toEqual([422, "seed must be ≥ 0, got -1"]);
  });

  it("refuses a body over MAX_UPLOAD_BYTES with the same 413, declared or chunked, and keeps nothing", async () => {
    const message = `request body is larger than the limit of ${MAX_UPLOAD_BYTES} bytes`;
    const { contentType, body } = multipartBody({ field: "video", name: "clip.avi", bytes: clip });
    const declared = startUpload(url(), MAX_UPLOAD_BYTES + 1, { "content-type": contentType });
    void declared.send(body);
    const refused = await declared.answer;
    declared.hangUp();
    expect([refused.status, JSON.parse(refused.text).detail.msg]).toEqual([413, message]);
    const chunked = startUpload(url(), undefined, { "content-type": contentType });
    let answered = false;
    const answer = chunked.answer.finally(() => {
      answered = true;
    });
    const pieces = [body.subarray(0, body.length - 100)];
    for (let sent = pieces[0]!.length; sent <= MAX_UPLOAD_BYTES; sent += clip.length) pieces.push(clip);
    for (const p of pieces) if (!answered) await Promise.race([chunked.send(p), answer]);
    const cut = await answer;
    chunked.hangUp();
    expect([cut.status, JSON.parse(cut.text).detail.msg, cut.headers.connection]).toEqual([413, message, "close"]);
  });

  it("removes the file of a client that hangs up mid-upload", async () => {
    const { contentType, body } = multipartBody({ field: "video", name: "clip.avi", bytes: clip });
    const upload = startUpload(url(), body.length, { "content-type": contentType });
    await upload.send(body.subarray(0, VIDEO_MEMORY_BYTES + 64 * 1024));
    await waitFor(async () => (await spooledFiles()).length === 1, 10_000, "a spool file");
    upload.hangUp();
    await expect(upload.answer).rejects.toThrow();
    await waitFor(async () => (await spooledFiles()).length === 0, 10_000, "the spool file to go");
  });
});

describe("a video upload over the memory threshold (frame-interpolation)", () => {
  privateTmpdir();
  const { server } = servedRunner(["tiny/film"], { pipeline: "frame-interpolation", modelId: "tiny/film" });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
    expect(await spooledFiles()).toEqual([]);
  });

  it("streams to a file as it arrives, reads it and answers the doubled frames", async () => {
    const clip = await rawVideo(join(tmpdir(), "pair.avi"), 64, 64, 96);
    expect(clip.length).toBeGreaterThan(VIDEO_MEMORY_BYTES);
    const { contentType, body } = multipartBody({ field: "video", name: "clip.avi", bytes: clip }, { multiplier: "2" });
    const upload = await uploadSeenOnDisk(`${server().url}/frame-interpolation`, body, { "content-type": contentType });
    const answer = await upload.answer;
    expect(answer.status).toBe(200);
    const url: string = JSON.parse(answer.text).images[0].url;
    const out = join(tmpdir(), "doubled.mp4");
    await writeFile(out, Buffer.from(url.slice("data:video/mp4;base64,".length), "base64"));
    expect(await videoStream(out)).toMatchObject({ width: "64", height: "64", r_frame_rate: "48/1" });
    expect(await jobFiles("frame-interpolation")).toEqual([]);
  });
});
