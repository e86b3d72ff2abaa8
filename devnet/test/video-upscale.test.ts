/**
 * @module `/video-upscale` end to end through real processes: the SDK's `videoUpscale` → avs-broadcaster →
 * avs-orchestrator → avs-runner (process launcher) and back as one mp4 URL the broadcaster serves as `video/mp4`,
 * ×4 with the frame count and rate of the upload. Bad uploads (text, an image, a truncated mp4, audio only, 100000
 * frames, frames too large) come back as the runner's 4xx with its message
 * through every layer, the network keeps serving, and no ffmpeg or ffprobe process of the network is left.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ApiError, createClient } from "@ai-video-subnet/sdk";
import { descendants, form, png, probeVideo, type Stack, startStack, testVideo } from "@ai-video-subnet/test-kit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);

/** What ffmpeg writes to stdout for `args` (a test fixture). */
async function ffmpegOut(args: string[]): Promise<Uint8Array> {
  const { stdout } = await exec("ffmpeg", ["-v", "error", ...args, "pipe:1"], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Uint8Array(stdout);
}
const MODEL = "tiny/esrgan-x4";

/** ffmpeg/ffprobe processes below this test process (the runners' own). */
async function networkFfmpeg(): Promise<string[]> {
  const mine = new Set(descendants(process.pid));
  const { stdout } = await exec("pgrep", ["-a", "ff(mpeg|probe)"]).catch((err) => {
    if ((err as { code?: number }).code === 1) return { stdout: "" };
    throw err;
  });
  return stdout.split("\n").filter((line) => line && mine.has(Number(line.split(" ")[0])));
}

describe("/video-upscale through SDK → broadcaster → orchestrator → runner", () => {
  let t: Stack;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    t = await startStack([{ pipeline: "video-upscale", model_id: MODEL, warm: true, capacity: 1 }], {
      orchestrators: 1,
    });
    client = createClient({ baseUrl: t.net.broadcasterUrl, timeoutMs: 120_000 });
  });
  afterEach(async () => {
    expect(await networkFfmpeg()).toEqual([]);
  });
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  it("videoUpscale answers one stored ×4 mp4 with the upload's frames and rate", async () => {
    const video = await testVideo({ width: 32, height: 24, frames: 9, fps: 12 });
    const res = await client.videoUpscale({ modelId: MODEL, video, seed: 3 });
    expect(res.images).toHaveLength(1);
    expect(res.images[0]).toMatchObject({ seed: 3, nsfw: false });
    expect(res.images[0]!.url).toMatch(new RegExp(`^${t.net.broadcasterUrl}/outputs/.+\\.mp4$`));
    const served = await fetch(res.images[0]!.url);
    expect(served.headers.get("content-type")).toBe("video/mp4");
    const info = await probeVideo(new Uint8Array(await served.arrayBuffer()));
    expect(info).toMatchObject({ codec: "h264", width: 128, height: 96, frames: 9, fps: 12 });
  });

  const post = (video: Uint8Array) =>
    fetch(`${t.net.broadcasterUrl}/video-upscale`, { method: "POST", body: form({ model_id: MODEL, video }) });

  it.each([
    ["text", async () => new TextEncoder().encode("not a video at all"), 415, /video is not a video ffmpeg can read/],
    ["a PNG", async () => png(32, 32), 415, /video is a PNG image, not a video; .*use \/upscale/],
    [
      "a truncated mp4",
      async () => (await testVideo({ width: 32, height: 24, frames: 30 })).subarray(0, 2500),
      400,
      /video is damaged or cut short|video is an MP4\/MOV file without its index/,
    ],
    [
      "an audio-only file",
      async () => ffmpegOut(["-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "libopus", "-f", "webm"]),
      400,
      /video has no video stream \(it holds audio\)/,
    ],
    [
      "a 100000-frame video",
      async () =>
        ffmpegOut([
          "-f",
          "lavfi",
          "-i",
          "color=s=16x16:r=1000:d=100",
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-f",
          "matroska",
        ]),
      413,
      /video has more than 3600 frames; this runner takes videos of at most .*3600 frames and 180 s/,
    ],
    [
      "a frame too large",
      async () => testVideo({ width: 1280, height: 720, frames: 1 }),
      413,
      /video has 1280×720 px frames, which ×4 become 5120×2880 = 14745600 px, over 8294400 px per output frame; this runner takes videos of at most/,
    ],
  ])("refuses %s with the runner's message, and keeps serving", async (_what, make, status, message) => {
    const res = await post(await make());
    expect(res.status).toBe(status);
    expect((await res.json()).detail.msg).toMatch(message);
    const again = await client.videoUpscale({
      modelId: MODEL,
      video: await testVideo({ width: 16, height: 16, frames: 2 }),
    });
    expect(again.images).toHaveLength(1);
  });

  it("throws a typed ApiError with the status and the runner's message through the SDK", async () => {
    const err = await client
      .videoUpscale({ modelId: MODEL, video: new TextEncoder().encode("nope") })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(415);
    expect((err as ApiError).detailMessage).toMatch(/video is not a video ffmpeg can read/);
  });
});
