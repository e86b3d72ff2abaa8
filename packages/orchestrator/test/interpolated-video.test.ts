/**
 * @module The image-to-video → FILM chain through real `avs-runner` processes (tiny/svd and tiny/film): one
 * `/image-to-video` call with `output_fps` answers ~2 s at 24 fps; refusals come before any work; a client hang-up
 * frees both stages; the FILM slot is the chain's from the start, so a FILM job arriving during SVD cannot take it;
 * without the extension fields the answer is the plain one; `GET /progress` relays both stages.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followProgress, type ProgressEvent } from "@ai-video-subnet/runner-client";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { form, probeVideo, testVideo } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, modelsDir, png, startOrchestrator } from "./helpers.js";

const SVD = "tiny/svd";
const FILM = "tiny/film";
const auth = { authorization: "Bearer s3cret" };

/** Every frame of a video as 8-bit gray pixels. */
function grayFrames(mp4: Uint8Array, width: number, height: number): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), "avs-chain-"));
  try {
    writeFileSync(join(dir, "v.mp4"), mp4);
    const out = spawnSync(
      "ffmpeg",
      ["-v", "error", "-i", join(dir, "v.mp4"), "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
      {
        maxBuffer: 1 << 28,
      },
    ).stdout;
    const size = width * height;
    return Array.from({ length: out.length / size }, (_, i) => new Uint8Array(out.subarray(i * size, (i + 1) * size)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const meanAbs = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe("image-to-video with output_fps (SVD → FILM)", () => {
  const models = modelsDir([SVD, FILM]);
  let orch: Awaited<ReturnType<typeof startOrchestrator>>;
  let lone: Awaited<ReturnType<typeof startOrchestrator>>;
  const saved = process.env.MAX_OUTPUT_FRAMES;
  /** The chain orchestrator's `job done` lines. */
  const done: LogFields[] = [];
  const log: Logger = {
    info: (msg, fields) => msg === "job done" && fields && done.push(fields),
    warn: (msg, fields) => msg === "job done" && fields && done.push(fields),
    error() {},
  };
  beforeAll(async () => {
    process.env.MAX_OUTPUT_FRAMES = "100";
    orch = await startOrchestrator({
      models: [
        { pipeline: "image-to-video", model_id: SVD, warm: true },
        { pipeline: "frame-interpolation", model_id: FILM, warm: true },
      ],
      runnersPerGpu: 2,
      modelsDir: models.dir,
      secret: "s3cret",
      log,
    });
    lone = await startOrchestrator({
      models: [{ pipeline: "image-to-video", model_id: SVD, warm: true }],
      modelsDir: models.dir,
      secret: "s3cret",
    });
  }, 180_000);
  afterAll(async () => {
    await orch?.stop();
    await lone?.stop();
    if (saved === undefined) delete process.env.MAX_OUTPUT_FRAMES;
    else process.env.MAX_OUTPUT_FRAMES = saved;
    models.cleanup();
  });

  const video = (url: string, fields: Record<string, string | number>, signal?: AbortSignal, requestId?: string) =>
    fetch(`${url}/image-to-video`, {
      method: "POST",
      headers: requestId ? { ...auth, "x-request-id": requestId } : auth,
      body: form({
        model_id: SVD,
        image: png(64, 48),
        width: 64,
        height: 48,
        num_inference_steps: 2,
        seed: 5,
        ...fields,
      }),
      ...(signal ? { signal } : {}),
    });
  const download = async (res: Response) => {
    expect(res.status).toBe(200);
    const { images } = await res.json();
    expect(images).toHaveLength(1);
    const file = await fetch(images[0].url);
    expect(file.headers.get("content-type")).toBe("video/mp4");
    return { media: images[0], bytes: new Uint8Array(await file.arrayBuffer()) };
  };

  it("turns 14 frames at 7 fps into 48 frames at 24 fps (2 s), source frames in order at t = 0 and 1", async () => {
    const plain = await download(await video(orch.url, { fps: 7 }));
    const chain = await download(await video(orch.url, { fps: 7, output_fps: 24 }, undefined, "chain-24"));
    expect(chain.media.seed).toBe(5);
    // The job's log line (not its runners' lines, which the launcher copies in) names both stages' runners, in the
    // order they ran.
    expect(done.find((f) => f.request_id === "chain-24" && !("runner" in f))?.served_by).toMatch(
      /^image-to-video\.[^+]+\+frame-interpolation\.[^+]+$/,
    );
    expect(chain.media.nsfw).toBe(false);
    const info = await probeVideo(chain.bytes);
    expect(info).toMatchObject({ frames: 48, fps: 24, width: 64, height: 48, codec: "h264", pixelFormat: "yuv420p" });
    expect(info.frames / info.fps).toBe(2);
    expect(await probeVideo(plain.bytes)).toMatchObject({ frames: 14, fps: 7 });
    // Output frame j is at j/24 s; j = 0 and j = 24 fall on source frames 0 and 7 (t = 0), which FILM passes through.
    const src = grayFrames(plain.bytes, 64, 48);
    const out = grayFrames(chain.bytes, 64, 48);
    expect(out).toHaveLength(48);
    const nearest = (frame: Uint8Array) => {
      const d = src.map((s) => meanAbs(frame, s));
      return d.indexOf(Math.min(...d));
    };
    expect([0, 24, 47].map((j) => nearest(out[j]!))).toEqual([0, 7, 13]);
  }, 120_000);

  it("relays both stages on GET /progress: SVD's steps, then FILM's 48 frames, then one end", async () => {
    // The raw stream (it closes after `end`), so every field of each event is seen as sent.
    const following = fetch(`${orch.url}/progress/chain-progress`, { headers: auth }).then((r) => r.text());
    // And through runner-client, as the broadcaster follows it: each step keeps its stage's pipeline.
    const typed = (async () => {
      const seen: ProgressEvent[] = [];
      for await (const e of followProgress(orch.url, "chain-progress", { token: "s3cret" })) seen.push(e);
      return seen;
    })();
    // Both wait for the job before it is sent: one that connected after it started would join it mid-way.
    await eventually(() => orch.progress.waiting("chain-progress") === 2, 10_000, "both subscribers waiting");
    const res = await video(orch.url, { fps: 7, output_fps: 24, num_inference_steps: 3 }, undefined, "chain-progress");
    await download(res);
    const events = (await following)
      .split("\n\n")
      .filter((block) => block.trim())
      .map((block) => {
        const field = (name: string) => block.match(new RegExp(`^${name}: (.*)$`, "m"))?.[1] ?? "";
        return { id: Number(field("id")), type: field("event"), ...JSON.parse(field("data")) };
      });
    const steps = events.filter((e) => e.type === "progress");
    const svd = steps.filter((e) => e.pipeline === "image-to-video");
    const film = steps.filter((e) => e.pipeline === "frame-interpolation");
    // Every progress event names its stage's pipeline; SVD's come first, then FILM's.
    expect(svd.length + film.length).toBe(steps.length);
    expect(steps.findIndex((e) => e.pipeline === "frame-interpolation")).toBe(svd.length);
    expect(svd.filter((e) => e.stage === "denoise").map((e) => e.step)).toEqual([1, 2, 3]);
    expect(film.map((e) => [e.stage, e.step, e.total])).toEqual(
      Array.from({ length: 48 }, (_, i) => ["interpolate", i + 1, 48]),
    );
    // One end, the last event, for the whole job; ids increase by one across both stages.
    expect(events.filter((e) => e.type === "end")).toHaveLength(1);
    expect(events.at(-1)).toEqual({ id: events.length, type: "end", status: 200 });
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const typedSteps = (await typed).filter((e) => e.type === "progress");
    expect(typedSteps.map((e) => e.pipeline)).toEqual(steps.map((e) => e.pipeline));
    // A subscriber that reconnects after event k, here two into FILM's stage, gets exactly the events after it.
    const k = svd.length + 2;
    const resumed: ProgressEvent[] = [];
    for await (const e of followProgress(orch.url, "chain-progress", { token: "s3cret", lastEventId: k })) {
      resumed.push(e);
    }
    const brief = (e: { id: number; type: string; pipeline?: string; step?: number; status?: number }) => [
      e.id,
      e.type,
      e.pipeline,
      e.step,
      e.status,
    ];
    expect(resumed.map(brief)).toEqual(events.slice(k).map(brief));
  }, 120_000);

  it("answers the plain video without the extension fields, and with output_fps equal to fps", async () => {
    const a = await download(await video(orch.url, { fps: 7 }));
    const b = await download(await video(orch.url, { fps: 7, output_fps: 7 }));
    expect(await probeVideo(a.bytes)).toMatchObject({ frames: 14, fps: 7 });
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    // A FILM model named changes nothing there: no FILM run for nothing to interpolate.
    const fields = { fps: 7, output_fps: 7, interpolation_model_id: FILM };
    const c = await download(await video(orch.url, fields, undefined, "equal-fps-named"));
    expect(Buffer.from(c.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    const line = done.find((f) => f.request_id === "equal-fps-named" && !("runner" in f));
    expect(line?.served_by).toMatch(/^image-to-video\.[^+]+$/);
  }, 120_000);

  it("takes an empty interpolation_model_id as the default FILM model", async () => {
    const named = await download(await video(orch.url, { fps: 7, output_fps: 24, interpolation_model_id: FILM }));
    const empty = await download(await video(orch.url, { fps: 7, output_fps: 24, interpolation_model_id: "" }));
    expect(Buffer.from(empty.bytes).equals(Buffer.from(named.bytes))).toBe(true);
  }, 120_000);

  it("refuses before any work: no FILM model, unknown FILM model, output_fps below fps, over the budget, frames too large", async () => {
    const none = await video(lone.url, { fps: 7, output_fps: 24 });
    expect(none.status).toBe(400);
    expect((await none.json()).detail.msg).toBe(
      "output_fps needs a frame-interpolation model, and this orchestrator has none",
    );
    const unknown = await video(orch.url, { fps: 7, output_fps: 24, interpolation_model_id: "google/film" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).detail.msg).toBe(
      'interpolation_model_id "google/film" is not a frame-interpolation model of this orchestrator; it has "tiny/film"',
    );
    const below = await video(orch.url, { fps: 7, output_fps: 5 });
    expect(below.status).toBe(400);
    expect((await below.json()).detail.msg).toBe(
      "output_fps must be at least fps (7), got 5; FILM only raises the frame rate",
    );
    const alone = await video(orch.url, { fps: 7, interpolation_model_id: FILM });
    expect(alone.status).toBe(400);
    expect((await alone.json()).detail.msg).toMatch(/interpolation_model_id needs output_fps/);
    const over = await video(orch.url, { fps: 7, output_fps: 240 });
    expect(over.status).toBe(413);
    expect((await over.json()).detail.msg).toBe(
      "output_fps 240 from fps 7 makes at least 480 frames (14 frames → 480), over the frame-interpolation runner's budget of 100 (max_output_frames); lower output_fps or raise fps",
    );
    const bad = await video(orch.url, { fps: 7, output_fps: 500 });
    expect(bad.status).toBe(422);
    // 2048×512 is within SVD's budget, but its frames are over what the FILM runner takes (1280×720's pixels).
    const large = await video(orch.url, { fps: 7, output_fps: 24, width: 2048, height: 512 });
    expect(large.status).toBe(413);
    expect((await large.json()).detail.msg).toBe(
      "width × height 2048×512 = 1048576 px is over the frame-interpolation runner's 921600 px per frame (max_input_pixels); lower width and height to use output_fps, or leave output_fps out",
    );
  }, 60_000);

  it("checks the frame budget with the SVD model's own frame count before SVD runs (SVD-XT: 25)", async () => {
    const xtModels = modelsDir(["tiny/svd-xt", FILM]);
    const xt = await startOrchestrator({
      models: [
        { pipeline: "image-to-video", model_id: "tiny/svd-xt", warm: true },
        { pipeline: "frame-interpolation", model_id: FILM, warm: true },
      ],
      runnersPerGpu: 2,
      modelsDir: xtModels.dir,
      secret: "s3cret",
    });
    try {
      // 14 frames would make 60 (within the budget of 100); the model's 25 make 107.
      const res = await video(xt.url, { model_id: "tiny/svd-xt", fps: 7, output_fps: 30 });
      expect(res.status).toBe(413);
      expect((await res.json()).detail.msg).toBe(
        "output_fps 30 from fps 7 makes at least 107 frames (25 frames → 107), over the frame-interpolation runner's budget of 100 (max_output_frames); lower output_fps or raise fps",
      );
      // Refused before any work: no image-to-video job ran.
      const { capabilities } = await (await fetch(`${xt.url}/info`, { headers: auth })).json();
      expect(capabilities.map((c: { in_use: number }) => c.in_use)).toEqual([0, 0]);
      expect(xt.pool.runners[0]!.lastUsed).toBe(0);
    } finally {
      await xt.stop();
      xtModels.cleanup();
    }
  }, 120_000);

  /** `in_use` of image-to-video and frame-interpolation on `/info`. */
  const inUse = async () => {
    const { capabilities } = await (await fetch(`${orch.url}/info`)).json();
    return (capabilities as { in_use: number }[]).map((c) => c.in_use);
  };

  it("holds the FILM slot from the start: a FILM job arriving during SVD is refused, not the chain", async () => {
    // The chain's first SVD step, from its progress stream: polling /info missed a warm runner's short SVD stage.
    const events = followProgress(orch.url, "chain-hold", { token: "s3cret" })[Symbol.asyncIterator]();
    const chain = video(orch.url, { fps: 7, output_fps: 24, num_inference_steps: 1000 }, undefined, "chain-hold");
    for (;;) {
      const { value, done } = await events.next();
      if (done || (value.type === "progress" && value.pipeline === "image-to-video")) break;
    }
    void events.return?.();
    // SVD runs, and the FILM runner (capacity 1) is already the chain's.
    expect((await inUse())[1]).toBe(1);
    const plain = await fetch(`${orch.url}/frame-interpolation`, {
      method: "POST",
      headers: auth,
      body: form({
        model_id: FILM,
        video: new Blob([await testVideo({ width: 64, height: 48, frames: 8 })]),
        output_fps: 48,
      }),
    });
    expect(plain.status).toBe(503);
    expect((await plain.json()).detail.msg).toBe("insufficient capacity");
    expect((await probeVideo((await download(await chain)).bytes)).frames).toBe(48);
    await eventually(async () => (await inUse()).join() === "0,0", 10_000, "both slots free");
  }, 120_000);

  it("frees the runner when the client hangs up mid-chain, and serves the next job", async () => {
    const abort = new AbortController();
    const started = performance.now();
    const pending = video(orch.url, { fps: 7, output_fps: 24, num_inference_steps: 1000 }, abort.signal).catch(
      (e) => e,
    );
    let seen = "";
    const settled = pending.then((r) => {
      seen = `answered ${r instanceof Response ? r.status : r}`;
    });
    void settled;
    await eventually(
      async () => {
        seen = `${seen} ${(await inUse()).join()}`.slice(-200);
        // SVD running, the FILM slot held for the chain.
        return (await inUse()).join() === "1,1";
      },
      20_000,
      "the SVD stage running",
    ).catch((e) => {
      throw new Error(`${e.message}: ${seen}`);
    });
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await eventually(async () => (await inUse()).join() === "0,0", 10_000, "both slots free");
    const freedMs = performance.now() - started;
    const next = await download(await video(orch.url, { fps: 7, output_fps: 24 }));
    expect((await probeVideo(next.bytes)).frames).toBe(48);
    expect(freedMs).toBeLessThan(30_000);
  }, 120_000);
});
