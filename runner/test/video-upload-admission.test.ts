/**
 * @module Video uploads hold their queue place while they arrive, on a real `avs-runner` process (`video-upscale` on
 * tiny/esrgan-x4, `frame-interpolation` on tiny/film, `QUEUE_SIZE=1`: two places, one running and one waiting). Two
 * slow uploads spooling to disk take both places, so further requests get 503 + `Retry-After` on their headers
 * alone, before any byte of their bodies; a client that leaves mid-upload gives its place back; nothing stays in the
 * upload folder, and the runner serves a normal request afterwards. Before, any number of uploads spooled at once
 * while the queue had room, since a job took its place only once its whole upload had arrived.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { VIDEO_MEMORY_BYTES } from "../src/server/upload-spool.js";
import { modelsDir, privateTmpdir, type RunnerProcess, spawnRunner, waitFor } from "./helpers.js";
import { rawVideo, spooledFiles } from "./spool-files.js";
import { multipartBody, startUpload, type Upload, type UploadAnswer } from "./upload-client.js";
import { videoDir } from "./video-fixtures.js";

/** The answer to `upload`, or a failure naming `what` when none comes within `ms`. */
function answerWithin(upload: Upload, ms: number, what: string): Promise<UploadAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([upload.answer, late]).finally(() => clearTimeout(timer));
}

const CASES: Array<{ pipeline: string; model: string; fields: Record<string, string> }> = [
  { pipeline: "video-upscale", model: "tiny/esrgan-x4", fields: {} },
  { pipeline: "frame-interpolation", model: "tiny/film", fields: { multiplier: "2" } },
];

describe.each(CASES)("concurrent video uploads to $pipeline", ({ pipeline, model, fields }) => {
  privateTmpdir();
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let runner: RunnerProcess;
  let video: { contentType: string; body: Buffer };
  beforeAll(async () => {
    models = await modelsDir([model]);
    const dir = await videoDir();
    const clip = await rawVideo(join(dir.dir, "clip.avi"), 64, 48, 160);
    await dir.cleanup();
    expect(clip.length).toBeGreaterThan(VIDEO_MEMORY_BYTES + 256 * 1024);
    video = multipartBody({ field: "video", name: "clip.avi", bytes: clip }, fields);
    // TMPDIR is this file's private folder (privateTmpdir): the runner's upload folder is made there.
    runner = spawnRunner({ PIPELINE: pipeline, MODEL_ID: model, MODEL_DIR: models.dir, QUEUE_SIZE: "1" });
    await waitFor(() => runner.lines.some((l) => l.msg === "model loaded"), 20_000, "the model to load");
  }, 60_000);
  // Uploads a failing test left open end with it, not in the next test.
  const opened: Upload[] = [];
  afterEach(() => {
    for (const upload of opened.splice(0)) upload.hangUp();
  });
  afterAll(async () => {
    runner?.child.kill("SIGTERM");
    await runner?.exited;
    await models?.cleanup();
  });

  const url = () => `${runner.url()}/${pipeline}`;
  /** Starts a POST of the clip (nothing sent yet), hung up after the test if still open. */
  const open = (): Upload => {
    const upload = startUpload(url(), video.body.length, { "content-type": video.contentType });
    opened.push(upload);
    return upload;
  };
  /** An upload whose first part (past the memory threshold) is sent and seen spooling on disk. */
  const spooling = async (count: number) => {
    const upload = open();
    await upload.send(video.body.subarray(0, VIDEO_MEMORY_BYTES + 128 * 1024));
    await waitFor(async () => (await spooledFiles()).length === count, 10_000, `${count} spool files`);
    return upload;
  };
  /** Sends only a request's headers and expects the queue's 503 without any of its body. */
  const refusedOnHeaders = async (what: string) => {
    const upload = open();
    upload.headers();
    const answer = await answerWithin(upload, 10_000, what);
    upload.hangUp();
    expect(answer.status, answer.text).toBe(503);
    expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(answer.text).detail.msg).toMatch(/^the queue is full \(.*being received\)$/);
  };

  it("spools at most as many uploads as the queue has places; the rest get 503 before their bodies", async () => {
    const first = await spooling(1);
    const second = await spooling(2);
    for (const n of [1, 2, 3]) await refusedOnHeaders(`excess request ${n}`);
    expect(await spooledFiles()).toHaveLength(2);

    // A client that leaves mid-upload gives its place back at once: the next upload is let in, and spools.
    first.hangUp();
    await waitFor(async () => (await spooledFiles()).length === 1, 10_000, "the abandoned upload's file to go");
    const third = await spooling(2);
    await refusedOnHeaders("the request after the replacement");

    second.end(video.body.subarray(VIDEO_MEMORY_BYTES + 128 * 1024));
    third.end(video.body.subarray(VIDEO_MEMORY_BYTES + 128 * 1024));
    const answers = await Promise.all([second.answer, third.answer]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await waitFor(async () => (await spooledFiles()).length === 0, 10_000, "the upload folder to empty");
  }, 120_000);

  it("serves a normal request afterwards, and leaves nothing in the upload folder", async () => {
    const upload = open();
    upload.end(video.body);
    const answer = await upload.answer;
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text).images[0].url).toMatch(/^data:video\/mp4;base64,/);
    await waitFor(async () => (await spooledFiles()).length === 0, 10_000, "the upload folder to empty");
  }, 60_000);
});
