/**
 * @module The image-to-video → FILM chain end to end through real processes: the SDK's `imageToVideo` with
 * `outputFps: 24` → avs-broadcaster → the one of two avs-orchestrators that serves a frame-interpolation model →
 * tiny/svd and tiny/film runners → one mp4 of 48 frames at 24 fps (2 s) the broadcaster serves. The other
 * orchestrator (image-to-video only) is never picked for it; plain requests still go to both.
 */
import { ApiError, createClient } from "@ai-video-subnet/sdk";
import { png, probeVideo, type Stack, startStack } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SVD = "tiny/svd";
const FILM = "tiny/film";

describe("image-to-video at 24 fps through SDK → broadcaster → orchestrator → SVD + FILM runners", () => {
  let t: Stack;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    t = await startStack(
      (i) => [
        { pipeline: "image-to-video", model_id: SVD, warm: true, capacity: 1 },
        ...(i === 1 ? [{ pipeline: "frame-interpolation", model_id: FILM, warm: true, capacity: 1 }] : []),
      ],
      { orchestrators: 2 },
    );
    client = createClient({ baseUrl: t.net.broadcasterUrl, timeoutMs: 120_000 });
  }, 180_000);
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  const opts = { modelId: SVD, image: png(64, 48), width: 64, height: 48, numInferenceSteps: 2, fps: 7 };

  it("answers ~2 s at 24 fps (14 SVD frames → 48) from one call, every time on the orchestrator with FILM", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await client.imageToVideo({ ...opts, outputFps: 24, seed: 11 + i });
      expect(res.images).toHaveLength(1);
      expect(res.images[0]).toMatchObject({ seed: 11 + i, nsfw: false });
      expect(res.images[0]!.url).toMatch(new RegExp(`^${t.net.broadcasterUrl}/outputs/.+\\.mp4$`));
      const served = await fetch(res.images[0]!.url);
      expect(served.headers.get("content-type")).toBe("video/mp4");
      const info = await probeVideo(new Uint8Array(await served.arrayBuffer()));
      expect(info).toMatchObject({ codec: "h264", width: 64, height: 48, frames: 48, fps: 24 });
    }
  });

  it("names the FILM model explicitly, and refuses one no orchestrator offers with a 400", async () => {
    const res = await client.imageToVideo({ ...opts, outputFps: 24, interpolationModelId: FILM, seed: 2 });
    const served = await fetch(res.images[0]!.url);
    expect((await probeVideo(new Uint8Array(await served.arrayBuffer()))).frames).toBe(48);
    const err = await client
      .imageToVideo({ ...opts, outputFps: 24, interpolationModelId: "google/film", seed: 2 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(
      /none of 2 orchestrator\(s\) offering image-to-video with this model also offers frame-interpolation model "google\/film"/,
    );
  });

  it("runs as an async job too (Prefer: respond-async), on the orchestrator with FILM", async () => {
    for (let i = 0; i < 3; i++) {
      const job = await client.submit("imageToVideo", { ...opts, outputFps: 24, seed: 21 + i });
      const { images } = await job.wait({ signal: AbortSignal.timeout(60_000) });
      const served = await fetch(images[0]!.url);
      expect(await probeVideo(new Uint8Array(await served.arrayBuffer()))).toMatchObject({ frames: 48, fps: 24 });
    }
  });

  it("keeps the plain answer without output_fps: 14 frames at 7 fps", async () => {
    const res = await client.imageToVideo({ ...opts, seed: 4 });
    const served = await fetch(res.images[0]!.url);
    expect(await probeVideo(new Uint8Array(await served.arrayBuffer()))).toMatchObject({ frames: 14, fps: 7 });
  });
});
