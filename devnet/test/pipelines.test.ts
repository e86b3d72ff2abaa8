/**
 * @module Every available pipeline end to end through real processes: the SDK → avs-broadcaster → avs-orchestrator
 * → avs-runner (process launcher) and back, with the outputs checked — dimensions, determinism by seed, the real
 * ESRGAN (thick ×4, weights from npm) beating a bicubic upscale of the same picture on PSNR, image-to-video's mp4
 * (ffprobe: codec, pixel format, frame count, fps, faststart), and Livepeer's own JS client against our broadcaster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@ai-video-subnet/sdk";
import { form, type ModelEntry, type Stack, startStack } from "@ai-video-subnet/test-kit";
import { Livepeer } from "@livepeer/ai";
import { HTTPError } from "@livepeer/ai/models/errors/httperror.js";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPhotoPath } from "../src/demo/jobs.js";
import { planModels } from "../src/models/model-plan.js";
import { decodedFrames, probeVideo, psnr, rgb } from "./support/devnet.js";

const plan = planModels();
const sdModel = (pipeline: string) => plan.find((m) => m.pipeline === pipeline && m.modelId.startsWith("tiny/sd"));
const t2i = sdModel("text-to-image");
const i2i = sdModel("image-to-image");
const i2v = plan.find((m) => m.pipeline === "image-to-video");

const MODELS: ModelEntry[] = [
  { pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true, capacity: 2 },
  { pipeline: "upscale", model_id: "upscalerjs/esrgan-thick-x4", warm: true, capacity: 1 },
  ...[t2i, i2i, i2v]
    .filter((m) => m !== undefined)
    .map((m) => ({ pipeline: m.pipeline, model_id: m.modelId, warm: true, capacity: 1 })),
];

describe("every available pipeline through SDK → broadcaster → orchestrator → runner", () => {
  let t: Stack;
  let client: ReturnType<typeof createClient>;
  const photo = new Uint8Array(readFileSync(demoPhotoPath()));

  beforeAll(async () => {
    t = await startStack(MODELS);
    client = createClient({ baseUrl: t.net.broadcasterUrl, timeoutMs: 120_000 });
  });
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  it("upscale ×4 (tiny model): 4× the input's dimensions, the seed echoed, the same bytes for the same input", async () => {
    const small = await sharp(photo).resize(24, 16).png().toBuffer();
    const a = await client.upscale({ modelId: "tiny/esrgan-x4", prompt: "", image: small, seed: 7 });
    const b = await client.upscale({ modelId: "tiny/esrgan-x4", prompt: "", image: small, seed: 7 });
    expect(a.images).toHaveLength(1);
    expect(a.images[0]!.seed).toBe(7);
    expect(a.images[0]!.url).toMatch(new RegExp(`^${t.net.broadcasterUrl}/outputs/`));
    const [bytesA, bytesB] = await Promise.all([client.download(a.images[0]!), client.download(b.images[0]!)]);
    const img = await rgb(bytesA);
    expect([img.width, img.height]).toEqual([96, 64]);
    expect(Buffer.from(bytesB).equals(Buffer.from(bytesA))).toBe(true);
  });

  it("upscale ×4 with the real ESRGAN (thick) beats bicubic on PSNR for a real photo", async () => {
    const original = await rgb(photo);
    const small = await sharp(photo).removeAlpha().resize(32, 32, { kernel: "cubic" }).png().toBuffer();
    const bicubic = await rgb(await sharp(small).resize(128, 128, { kernel: "cubic" }).png().toBuffer());
    const res = await client.upscale({ modelId: "upscalerjs/esrgan-thick-x4", prompt: "", image: small, seed: 1 });
    const esrgan = await rgb(await client.download(res.images[0]!));
    expect([esrgan.width, esrgan.height]).toEqual([128, 128]);
    const gain = psnr(esrgan.pixels, original.pixels) - psnr(bicubic.pixels, original.pixels);
    console.log(`ESRGAN thick ×4 vs bicubic through the network: +${gain.toFixed(2)} dB PSNR`);
    expect(gain).toBeGreaterThan(0.2);
  });

  it("a job names the orchestrator that served it in the broadcaster's log, and both orchestrators serve jobs", async () => {
    const small = await sharp(photo).resize(8, 8).png().toBuffer();
    const served = new Set<string>();
    for (let i = 0; i < 12 && served.size < 2; i++) {
      const requestId = `pipelines-spread-${i}`;
      await client.upscale({ modelId: "tiny/esrgan-x4", prompt: "", image: small, seed: i }, { requestId });
      served.add(t.net.servedBy(requestId) ?? "unknown");
    }
    expect([...served].sort()).toEqual(["orchestrator-1", "orchestrator-2"]);
  });

  it("one request id finds a job in every layer's log: broadcaster, orchestrator, runner", async () => {
    const requestId = `trace-${Date.now().toString(36)}`;
    const small = await sharp(photo).resize(8, 8).png().toBuffer();
    await client.upscale({ modelId: "tiny/esrgan-x4", prompt: "", image: small, seed: 3 }, { requestId });
    const orchestrator = t.net.servedBy(requestId);
    expect(orchestrator).toMatch(/^orchestrator-\d$/);
    // The log files on disk, as an operator would grep them; a runner's lines are in its orchestrator's log, tagged
    // with the runner's name.
    const grep = (file: string) =>
      readFileSync(join(t.net.workDir, file), "utf8")
        .split("\n")
        .filter((line) => line.includes(requestId))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Each layer logs a job once it has answered it: the lines may land a moment after the client has its result.
    const done = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.msg === "job done").length;
    await expect.poll(() => done(grep("broadcaster.log")), { timeout: 5000 }).toBe(1);
    await expect.poll(() => done(grep(`${orchestrator}.log`)), { timeout: 5000 }).toBe(2);
    const broadcaster = grep("broadcaster.log");
    expect(broadcaster).toContainEqual(
      expect.objectContaining({ msg: "job done", request_id: requestId, pipeline: "upscale", status: 200 }),
    );
    const lines = grep(`${orchestrator}.log`);
    const own = lines.filter((l) => l.runner === undefined);
    const runner = lines.filter((l) => typeof l.runner === "string");
    expect(own).toContainEqual(
      expect.objectContaining({ msg: "job done", request_id: requestId, model_id: "tiny/esrgan-x4", status: 200 }),
    );
    expect(runner).toContainEqual(
      expect.objectContaining({ msg: "job done", request_id: requestId, path: "/upscale", status: 200 }),
    );
    // Every line that names the job names it in the one field, `request_id`.
    for (const line of [...broadcaster, ...lines]) expect(line.request_id).toBe(requestId);
  });

  it("the public API answers a multipart upscale from plain fetch (Livepeer-style curl clients) too", async () => {
    const small = await sharp(photo).resize(10, 10).png().toBuffer();
    const res = await fetch(`${t.net.broadcasterUrl}/upscale`, {
      method: "POST",
      body: form({ prompt: "", model_id: "tiny/esrgan-x4", image: new Uint8Array(small) }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: Array<{ url: string; seed: number; nsfw: boolean }> };
    expect(body.images[0]!.nsfw).toBe(false);
    expect(Number.isInteger(body.images[0]!.seed)).toBe(true);
  });

  it.skipIf(!t2i)(
    `text-to-image (${t2i?.modelId ?? "no model yet"}): requested size, same seed → same picture, other seed → other`,
    async () => {
      const job = (seed: number) =>
        client.textToImage({
          modelId: t2i!.modelId,
          prompt: "a red cube",
          width: 64,
          height: 64,
          numInferenceSteps: 2,
          guidanceScale: 1,
          seed,
        });
      const [a, b, c] = [await job(5), await job(5), await job(6)];
      const [pa, pb, pc] = await Promise.all([a, b, c].map((r) => client.download(r.images[0]!).then(rgb)));
      expect([pa!.width, pa!.height]).toEqual([64, 64]);
      expect(a.images[0]!.seed).toBe(5);
      expect(Buffer.from(pb!.pixels).equals(Buffer.from(pa!.pixels))).toBe(true);
      expect(Buffer.from(pc!.pixels).equals(Buffer.from(pa!.pixels))).toBe(false);
    },
  );

  it.skipIf(!i2i)(
    `image-to-image (${i2i?.modelId ?? "no model yet"}): output size follows the input, deterministic by seed`,
    async () => {
      const input = await sharp(photo).resize(64, 64).png().toBuffer();
      const job = (seed: number) =>
        client.imageToImage({
          modelId: i2i!.modelId,
          prompt: "watercolour",
          image: input,
          numInferenceSteps: 2,
          strength: 0.5,
          guidanceScale: 1,
          seed,
        });
      const [a, b, c] = [await job(3), await job(3), await job(4)];
      const [pa, pb, pc] = await Promise.all([a, b, c].map((r) => client.download(r.images[0]!).then(rgb)));
      expect([pa!.width, pa!.height]).toEqual([64, 64]);
      expect(Buffer.from(pb!.pixels).equals(Buffer.from(pa!.pixels))).toBe(true);
      expect(Buffer.from(pc!.pixels).equals(Buffer.from(pa!.pixels))).toBe(false);
    },
  );

  it.skipIf(!i2v)(
    `image-to-video (${i2v?.modelId ?? "no model yet"}): a playable H.264 mp4 of the model's frames at the request's fps`,
    async () => {
      const input = await sharp(photo).resize(64, 48).png().toBuffer();
      const job = (seed: number) =>
        client.imageToVideo({
          modelId: i2v!.modelId,
          image: input,
          width: 64,
          height: 48,
          fps: 8,
          numInferenceSteps: 2,
          seed,
        });
      const [a, b, c] = [await job(9), await job(9), await job(10)];
      expect(a.images).toHaveLength(1);
      expect(a.images[0]).toMatchObject({ seed: 9, nsfw: false });
      expect(a.images[0]!.url).toMatch(new RegExp(`^${t.net.broadcasterUrl}/outputs/.+\\.mp4$`));
      const [va, vb, vc] = await Promise.all([a, b, c].map((r) => client.download(r.images[0]!)));
      expect(probeVideo(va!)).toEqual({
        codec_name: "h264",
        pix_fmt: "yuv420p",
        width: 64,
        height: 48,
        frames: i2v!.modelId === "tiny/svd-xt" ? 25 : 14,
        fps: "8/1",
        faststart: true,
      });
      // The same seed decodes to the same frames; another seed to others.
      expect(decodedFrames(vb!).equals(decodedFrames(va!))).toBe(true);
      expect(decodedFrames(vc!).equals(decodedFrames(va!))).toBe(false);
    },
  );

  it.skipIf(!i2v)(
    "image-to-video as an async job (Prefer: respond-async): the SDK's job handle gets the mp4",
    async () => {
      const input = await sharp(photo).resize(64, 48).png().toBuffer();
      const job = await client.submit("imageToVideo", {
        modelId: i2v!.modelId,
        image: input,
        width: 64,
        height: 48,
        numInferenceSteps: 2,
        seed: 5,
      });
      const fractions: number[] = [];
      const result = await job.wait({ onProgress: (p) => void fractions.push(p.fraction) });
      expect(result.images[0]).toMatchObject({ seed: 5, nsfw: false });
      expect(probeVideo(await client.download(result.images[0]!))).toMatchObject({ codec_name: "h264", frames: 14 });
      // Per-step progress comes from the runner through the orchestrator's /progress: it only grows, and ends at 1.
      for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
      expect(fractions.at(-1)).toBe(1);
    },
  );

  it.skipIf(!i2v)(
    "image-to-video through go-livepeer's older async flow: a request_id, then POST /image-to-video/result",
    async () => {
      const form = new FormData();
      form.append("model_id", i2v!.modelId);
      form.append("image", new Blob([await sharp(photo).resize(64, 48).png().toBuffer()]), "still.png");
      for (const [k, v] of Object.entries({ width: 64, height: 48, num_inference_steps: 2, seed: 6 })) {
        form.append(k, String(v));
      }
      const base = t.net.broadcasterUrl;
      const accepted = await fetch(`${base}/image-to-video`, {
        method: "POST",
        body: form,
        headers: { prefer: "respond-async" },
      });
      expect(accepted.status).toBe(202);
      const { request_id } = (await accepted.json()) as { request_id: string };
      const poll = () =>
        fetch(`${base}/image-to-video/result`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ request_id }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
      let answer = await poll();
      for (let i = 0; answer.status === 202 && i < 600; i++) {
        expect(answer.body).toEqual({ status: "processing" });
        await new Promise((r) => setTimeout(r, 100));
        answer = await poll();
      }
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe("complete");
      const [media] = (answer.body.result as { images: Array<{ url: string; seed: number; nsfw: boolean }> }).images;
      expect(media).toMatchObject({ seed: 6, nsfw: false });
      const video = new Uint8Array(await (await fetch(media!.url)).arrayBuffer());
      expect(probeVideo(video)).toMatchObject({ codec_name: "h264", width: 64, height: 48 });
    },
  );

  it.skipIf(!i2v)(
    "image-to-video through Livepeer's own JS client (@livepeer/ai genImageToVideo), unchanged",
    async () => {
      const livepeer = new Livepeer({ serverURL: t.net.broadcasterUrl });
      const input = await sharp(photo).resize(64, 48).png().toBuffer();
      const res = await livepeer.generate.imageToVideo({
        image: new Blob([new Uint8Array(input)]),
        modelId: i2v!.modelId,
        width: 64,
        height: 48,
        fps: 6,
        numInferenceSteps: 2,
        seed: 4,
      });
      expect(res.statusCode).toBe(200);
      const media = res.videoResponse!.images;
      expect(media).toHaveLength(1);
      expect(media[0]).toMatchObject({ seed: 4, nsfw: false });
      const video = new Uint8Array(await (await fetch(media[0]!.url)).arrayBuffer());
      expect(probeVideo(video)).toMatchObject({ codec_name: "h264", width: 64, height: 48, fps: "6/1" });
      // Livepeer's client parses our 400 into its typed HTTPError (the 400 shape), with our message.
      const bad = await livepeer.generate
        .imageToVideo({ image: new Blob([new Uint8Array(input)]), modelId: i2v!.modelId, width: 60, height: 48 })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(HTTPError);
      expect((bad as HTTPError).detail).toEqual({
        msg: "Height and width must be divisible by 8, got height 48 and width 60",
      });
    },
  );
});
