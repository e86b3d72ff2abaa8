/**
 * @module `POST /video-upscale` on a real runner server (tiny ×4 model in the inference worker): the panned photo
 * with a tone comes back as one H.264 yuv420p `+faststart` mp4 data URL with ×4 frames, the same frame count,
 * timestamps and audio packets, progress per frame on `/progress/{id}`; `/info` shows the limits. Every bad
 * upload gets its 4xx with a message that says what is allowed, the runner keeps serving, and no ffmpeg child
 * of this process and no scratch directory is left behind.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { writePannedClip } from "../src/bench/video-clips.js";
import { startRunnerServer } from "../src/server/serve.js";
import { rawRgbMatroskaHeader } from "../src/video/matroska-raw.js";
import { memoryLogger, privateTmpdir, servedRunner, testConfig, waitFor } from "./helpers.js";
import { hangUpAtStep, readEvents } from "./sse.js";
import {
  audioPacketsMd5,
  ffmpeg,
  ffmpegChildren,
  moovFirst,
  videoDir,
  videoPacketTimes,
  videoStream,
} from "./video-fixtures.js";

const ACCEPTED = "send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream";

/** The job scratch directories in the temporary directory. */
const scratchDirs = async () => (await readdir(tmpdir())).filter((n) => n.startsWith("avs-video-upscale-"));

describe("POST /video-upscale (real server, tiny ×4 model)", () => {
  privateTmpdir();
  const { server, modelDir } = servedRunner(["tiny/esrgan-x4"], {
    pipeline: "video-upscale",
    authToken: "v1deo",
    tileSize: 16,
    progressWaitMs: 10_000,
    maxVideoInputPixels: 640 * 480,
    maxVideoOutputPixels: 1024 * 1024,
  });
  let dir: Awaited<ReturnType<typeof videoDir>>;
  let clip: string;
  let scratchBefore: string[];
  const auth = { authorization: "Bearer v1deo" };

  const post = (video: Uint8Array | undefined, headers: Record<string, string> = {}) => {
    const form = new FormData();
    if (video) form.append("video", new Blob([video as Uint8Array<ArrayBuffer>]), "clip.mp4");
    return fetch(`${server().url}/video-upscale`, { method: "POST", headers: { ...auth, ...headers }, body: form });
  };

  beforeAll(async () => {
    dir = await videoDir();
    scratchBefore = await scratchDirs();
    clip = dir.path("pan.mp4");
    await writePannedClip(clip, { side: 24, frames: 10 }, { fps: "12", audioSeconds: 1 });
  });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
    expect((await scratchDirs()).filter((d) => !scratchBefore.includes(d))).toEqual([]);
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it("/info shows the model's scale and the video limits", async () => {
    expect(await (await fetch(`${server().url}/info`)).json()).toEqual({
      pipeline: "video-upscale",
      model_id: "tiny/esrgan-x4",
      version: expect.any(String),
      scale: 4,
      video_limits: {
        max_bytes: 50 * 1024 * 1024,
        max_input_pixels: 640 * 480,
        max_output_pixels: 1024 * 1024,
        max_frames: 3600,
        max_duration_seconds: 180,
      },
    });
  });

  it("answers one ×4 H.264 mp4 with the frames, timestamps and audio of the upload, and progress per frame", async () => {
    const subscribed = fetch(`${server().url}/progress/vu-1`, { headers: auth });
    await waitFor(() => server().runner.progress.waitingFor("vu-1") === 1, 10_000, "the subscriber to wait");
    const res = await post(await readFile(clip), { "x-request-id": "vu-1" });
    expect(res.status).toBe(200);
    const { images } = await res.json();
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ seed: expect.any(Number), nsfw: false });
    const prefix = "data:video/mp4;base64,";
    expect(images[0].url.startsWith(prefix)).toBe(true);
    const out = dir.path("answer.mp4");
    await writeFile(out, Buffer.from(images[0].url.slice(prefix.length), "base64"));

    expect(await videoStream(out)).toMatchObject({
      codec_name: "h264",
      pix_fmt: "yuv420p",
      width: "96",
      height: "96",
      nb_frames: "10",
      r_frame_rate: "12/1",
    });
    expect(await moovFirst(out)).toBe(true);
    expect(await videoPacketTimes(out)).toEqual(await videoPacketTimes(clip));
    expect(await audioPacketsMd5(out)).toBe(await audioPacketsMd5(clip));

    const events = await readEvents(await subscribed);
    const steps = events.filter((e) => e.event === "progress").map((e) => e.data);
    expect(steps.map((s) => [s.stage, s.step, s.total])).toEqual(
      Array.from({ length: 10 }, (_, i) => ["upscale", i + 1, 10]),
    );
    expect(events.at(-1)?.event).toBe("end");
  });

  it("reports a given seed back", async () => {
    const form = new FormData();
    form.append("video", new Blob([await readFile(clip)]), "clip.mp4");
    form.append("seed", "77");
    const res = await fetch(`${server().url}/video-upscale`, { method: "POST", headers: auth, body: form });
    expect(res.status).toBe(200);
    expect((await res.json()).images[0].seed).toBe(77);
  });

  /** Each bad upload, made for real with ffmpeg, and its status and message. */
  const bad: Array<[string, () => Promise<Uint8Array>, number, RegExp]> = [
    ["not a video", async () => new TextEncoder().encode("<html>hello</html>"), 415, /video is not a video ffmpeg/],
    [
      "a truncated mp4 (cut before its index)",
      async () => (await readFile(clip)).subarray(0, 3000),
      400,
      /video is an MP4\/MOV file without its index \(no moov box\).*send the complete file/,
    ],
    [
      "an audio-only file",
      async () => {
        const m4a = dir.path("voice.m4a");
        await ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac", m4a]);
        return readFile(m4a);
      },
      400,
      new RegExp(`video has no video stream \\(it holds audio\\); ${ACCEPTED}`),
    ],
    [
      "a video stream with zero frames",
      async () => Buffer.concat([rawRgbMatroskaHeader(64, 48), Buffer.from("1f43b6750100000000000003e78100", "hex")]),
      400,
      /video has a rawvideo video stream with no frames; send a video with at least one frame/,
    ],
    [
      "a 100000-frame video",
      async () => {
        const many = dir.path("many.mp4");
        await ffmpeg([
          "-f",
          "lavfi",
          "-i",
          "color=s=16x16:r=1000:d=100",
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          many,
        ]);
        return readFile(many);
      },
      413,
      /video has 100000 frames, over 3600; this runner takes videos of at most 50 MiB, 307200 px per input frame .*3600 frames and 180 s/,
    ],
    [
      "a PNG sent as a video",
      async () =>
        ffmpeg(["-f", "lavfi", "-i", "testsrc=s=64x48", "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"]),
      415,
      new RegExp(`video is a PNG image, not a video; ${ACCEPTED} \\(to upscale one image, use /upscale\\)`),
    ],
    [
      "frames over the input pixels",
      async () => {
        const big = dir.path("big.mp4");
        await ffmpeg(["-f", "lavfi", "-i", "color=s=1280x720:d=0.04", "-c:v", "libx264", "-preset", "ultrafast", big]);
        return readFile(big);
      },
      413,
      /video has 1280×720 = 921600 px frames, over 307200 px per input frame; this runner takes/,
    ],
    [
      "frames over the output pixels after ×4",
      async () => {
        const wide = dir.path("wide.mp4");
        await ffmpeg(["-f", "lavfi", "-i", "color=s=320x240:d=0.04", "-c:v", "libx264", "-preset", "ultrafast", wide]);
        return readFile(wide);
      },
      413,
      /video has 320×240 px frames, which ×4 become 1280×960 = 1228800 px, over 1048576 px per output frame/,
    ],
  ];
  /** Frames the worker has upscaled so far (the inference histogram's count). */
  const inferences = async () => {
    const text = await (await fetch(`${server().url}/metrics`)).text();
    return Number(/avs_runner_inference_seconds_count\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  it.each(bad)(
    "refuses %s before any frame reaches the model, and keeps serving",
    async (_what, make, status, message) => {
      const upload = await make();
      const before = await inferences();
      const res = await post(upload);
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body.detail.msg).toMatch(message);
      expect(await inferences()).toBe(before);
      expect(await (await fetch(`${server().url}/health`)).json()).toEqual({ status: "OK" });
    },
  );

  it("refuses a request without a video with 422", async () => {
    const res = await post(undefined);
    expect(res.status).toBe(422);
    expect((await res.json()).detail[0].loc).toEqual(["body", "video"]);
  });

  it("reports ERROR with how to install ffmpeg when there is none, instead of failing each request", async () => {
    // Neither binary, while the runner starts and while it is asked: an upload is not even probed.
    const saved = { FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH };
    process.env.FFMPEG_PATH = dir.path("no-such-ffmpeg");
    process.env.FFPROBE_PATH = dir.path("no-such-ffprobe");
    let broken: Awaited<ReturnType<typeof startRunnerServer>> | undefined;
    try {
      broken = await startRunnerServer(
        testConfig(modelDir(), { pipeline: "video-upscale", authToken: "v1deo" }),
        memoryLogger(),
      );
      await broken.runner.ready;
      expect(await (await fetch(`${broken.url}/health`)).json()).toEqual({ status: "ERROR" });
      const form = new FormData();
      form.append("video", new Blob([await readFile(clip)]), "clip.mp4");
      const res = await fetch(`${broken.url}/video-upscale`, { method: "POST", headers: auth, body: form });
      expect(res.status).toBe(503);
      expect((await res.json()).detail.msg).toMatch(/the model failed to load: .*no-such-ffmpeg/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await broken?.stop();
    }
  });

  it("stops a cancelled video at its next frame: ffmpeg killed, scratch removed, the slot free", async () => {
    const long = dir.path("long.mp4");
    await writePannedClip(long, { side: 24, frames: 600 }, { fps: "24" });
    const subscribed = fetch(`${server().url}/progress/vu-cancel`, { headers: auth });
    await waitFor(() => server().runner.progress.waitingFor("vu-cancel") === 1, 10_000, "the subscriber to wait");
    const before = await inferences();
    const form = new FormData();
    form.append("video", new Blob([await readFile(long)]), "long.mp4");
    const _seen = await hangUpAtStep(subscribed, `${server().url}/video-upscale`, {
      method: "POST",
      headers: { ...auth, "x-request-id": "vu-cancel" },
      body: form,
    });
    await waitFor(async () => (await ffmpegChildren()).length === 0, 10_000, "ffmpeg to be gone");
    await waitFor(
      async () => (await scratchDirs()).every((d) => scratchBefore.includes(d)),
      10_000,
      "the scratch directory to be removed",
    );
    const ran = (await inferences()) - before;
    expect(ran).toBeGreaterThanOrEqual(3);
    expect(ran).toBeLessThan(100);
  });

  it("still upscales after every refusal", async () => {
    const before = await inferences();
    const res = await post(await readFile(clip));
    expect(res.status).toBe(200);
    expect((await res.json()).images[0].url.startsWith("data:video/mp4;base64,")).toBe(true);
    expect(await inferences()).toBe(before + 10);
  });
});
