/**
 * @module `/frame-interpolation` end to end through real processes: the SDK's `frameInterpolation` → avs-broadcaster
 * → avs-orchestrator → avs-runner (process launcher, `tiny/film`) and back as one mp4 URL the broadcaster serves as
 * `video/mp4`: a clip raised to a target fps, and two images made into a clip, each with its duration kept. Bad
 * requests (both sources, a rate below the source's, too many output frames) come back as the runner's 4xx with
 * its message through every layer, and the network keeps serving.
 */
import { ApiError, createClient } from "@ai-video-subnet/sdk";
import { form, png, probeVideo, type Stack, startStack, testVideo } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MODEL = "tiny/film";

describe("/frame-interpolation through SDK → broadcaster → orchestrator → runner", () => {
  let t: Stack;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    t = await startStack([{ pipeline: "frame-interpolation", model_id: MODEL, warm: true, capacity: 1 }], {
      orchestrators: 1,
    });
    client = createClient({ baseUrl: t.net.broadcasterUrl, timeoutMs: 120_000 });
  });
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  it("frameInterpolation raises a 6 fps clip to 24 fps: 4× the frames, same duration, stored as an mp4", async () => {
    const video = await testVideo({ width: 32, height: 24, frames: 6, fps: 6 });
    const res = await client.frameInterpolation({ modelId: MODEL, video, outputFps: 24, seed: 5 });
    expect(res.images).toHaveLength(1);
    expect(res.images[0]).toMatchObject({ seed: 5, nsfw: false });
    expect(res.images[0]!.url).toMatch(new RegExp(`^${t.net.broadcasterUrl}/outputs/.+\\.mp4$`));
    const served = await fetch(res.images[0]!.url);
    expect(served.headers.get("content-type")).toBe("video/mp4");
    const info = await probeVideo(new Uint8Array(await served.arrayBuffer()));
    expect(info).toMatchObject({ codec: "h264", pixelFormat: "yuv420p", width: 32, height: 24, frames: 24, fps: 24 });
  });

  it("makes a clip from two images by recursive midpoints", async () => {
    const res = await client.frameInterpolation({
      modelId: MODEL,
      firstImage: png(32, 32),
      lastImage: png(32, 32),
      sourceFps: 2,
      timesToInterpolate: 3,
    });
    const info = await probeVideo(new Uint8Array(await (await fetch(res.images[0]!.url)).arrayBuffer()));
    expect(info).toMatchObject({ width: 32, height: 32, frames: 9, fps: 16 });
  });

  it.each([
    [
      "both a video and images",
      async () => ({ video: await testVideo({ width: 16, height: 16, frames: 2 }), first_image: png(16, 16) }),
      400,
      /send either video or first_image \+ last_image, not both/,
    ],
    [
      "a target fps below the source's",
      async () => ({ video: await testVideo({ width: 16, height: 16, frames: 4, fps: 24 }), output_fps: "12" }),
      400,
      /output_fps 12 is below the source's 24 fps/,
    ],
    [
      "more output frames than the budget",
      async () => ({ video: await testVideo({ width: 16, height: 16, frames: 50, fps: 1 }), output_fps: "240" }),
      413,
      /makes 12000 output frames; at most 1440 output frames are allowed per job/,
    ],
  ])("refuses %s with the runner's message, and keeps serving", async (_what, make, status, message) => {
    const fields = await make();
    const res = await fetch(`${t.net.broadcasterUrl}/frame-interpolation`, {
      method: "POST",
      body: form({ model_id: MODEL, ...fields }),
    });
    expect(res.status).toBe(status);
    expect((await res.json()).detail.msg).toMatch(message);
    const again = await client.frameInterpolation({
      modelId: MODEL,
      video: await testVideo({ width: 16, height: 16, frames: 2, fps: 4 }),
      multiplier: 2,
    });
    expect(again.images).toHaveLength(1);
  });

  it("throws a typed ApiError with the status and the runner's message through the SDK", async () => {
    const err = await client
      .frameInterpolation({ modelId: MODEL, firstImage: png(16, 16), lastImage: png(16, 8), multiplier: 2 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).detailMessage).toBe(
      "first_image is 16×16 px and last_image is 16×8 px; the two images must have the same size",
    );
  });
});
