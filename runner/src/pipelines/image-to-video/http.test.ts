/**
 * @module image-to-video through a real runner server on tiny/svd: Livepeer's `{frames: Media[][]}` answer (PNG data
 * URLs of the model's 14 frames at the requested size, the seed reported), identical bytes for the same seed, the
 * extension fields, and the bad-input matrix (each bad request gets its status and message; the server keeps serving).
 */
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeDataUrl, servedRunner, testImage } from "../../../test/helpers.js";
import { SVD_WORKER_YOUNG_GENERATION_MB } from "./index.js";

type Video = { frames: { url: string; seed: number; nsfw: boolean }[][] };

describe("POST /image-to-video (tiny/svd)", () => {
  const { server } = servedRunner(["tiny/svd"], {
    pipeline: "image-to-video",
    modelId: "tiny/svd",
    // 32×24 px × 14 frames × 4 steps
    maxVideoWork: 32 * 24 * 14 * 4,
  });
  let png: Uint8Array;
  const base = { width: "32", height: "24", num_inference_steps: "2", seed: "11" };
  const form = (fields: Record<string, string> = {}, image: Uint8Array | string | null = png) => {
    const f = new FormData();
    for (const [k, v] of Object.entries({ ...base, ...fields })) f.append(k, v);
    if (typeof image === "string") f.append("image", image);
    else if (image) f.append("image", new Blob([image as Uint8Array<ArrayBuffer>]), "still.png");
    return f;
  };
  const post = (f: FormData) => fetch(`${server().url}/image-to-video`, { method: "POST", body: f });

  beforeAll(async () => {
    png = await testImage(40, 30);
  });

  it("says on /info how many frames its model makes", async () => {
    const info = await (await fetch(`${server().url}/info`)).json();
    expect(info).toMatchObject({ pipeline: "image-to-video", model_id: "tiny/svd", num_frames: 14 });
  });

  it("runs its worker with the young generation capped (V8's default is larger)", () => {
    expect(SVD_WORKER_YOUNG_GENERATION_MB).toBe(12);
    expect(server().runner.engine.resourceLimits.maxYoungGenerationSizeMb).toBe(SVD_WORKER_YOUNG_GENERATION_MB);
  });

  it("answers one video of the model's 14 frames as PNG data URLs; the same seed gives the same bytes", async () => {
    const res = await post(form({ model_id: "tiny/svd" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Video;
    expect(body.frames).toHaveLength(1);
    const video = body.frames[0]!;
    expect(video).toHaveLength(14);
    expect(video.every((m) => m.seed === 11 && m.nsfw === false)).toBe(true);
    const first = await decodeDataUrl(video[0]!.url);
    expect([first.width, first.height, first.channels]).toEqual([32, 24, 3]);
    // A video moves: the frames are not all the same picture.
    expect(new Set(video.map((m) => m.url)).size).toBeGreaterThan(1);
    const again = (await (await post(form())).json()) as Video;
    expect(again.frames[0]!.map((m) => m.url)).toEqual(video.map((m) => m.url));
    const other = (await (await post(form({ seed: "12" }))).json()) as Video;
    expect(other.frames[0]![0]!.url).not.toBe(video[0]!.url);
  });

  it("feeds fps, motion, noise augmentation and the guidance ramp to the model", async () => {
    const urls = async (fields: Record<string, string>) =>
      ((await (await post(form(fields))).json()) as Video).frames[0]!.map((m) => m.url);
    const plain = await urls({});
    const variants: Record<string, string>[] = [
      { fps: "12" },
      { motion_bucket_id: "40" },
      { noise_aug_strength: "0.5" },
      { min_guidance_scale: "2", max_guidance_scale: "2" },
    ];
    for (const fields of variants) {
      expect(await urls(fields), JSON.stringify(fields)).not.toEqual(plain);
    }
    // Decoding in chunks of 3 instead of 4 changes only where the temporal decoder's windows fall.
    const chunked = await urls({ decode_chunk_size: "3" });
    expect(chunked).toHaveLength(14);
  });

  it("reports each denoising step and decoded chunk on GET /progress/{request_id}, 4 frames a chunk by default", async () => {
    const id = "i2v-progress-1";
    const events = fetch(`${server().url}/progress/${id}`).then((r) => r.text());
    const res = await fetch(`${server().url}/image-to-video`, {
      method: "POST",
      // No decode_chunk_size: Livepeer's ai-runner passes 4 to diffusers then, and so does this runner.
      body: form({ num_inference_steps: "4" }),
      headers: { "x-request-id": id },
    });
    expect(res.status).toBe(200);
    const data = (await events)
      .split("\n\n")
      .filter((e) => e.includes("event: progress"))
      .map((e) => JSON.parse(e.slice(e.indexOf("data: ") + 6)) as { stage: string; step: number; total: number });
    expect(data.filter((d) => d.stage === "denoise").map((d) => [d.step, d.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(data.filter((d) => d.stage === "decode").map((d) => [d.step, d.total])).toEqual([
      [4, 14],
      [8, 14],
      [12, 14],
      [14, 14],
    ]);
  });

  it("draws and reports a seed when none is given", async () => {
    const f = form();
    f.delete("seed");
    const body = (await (await post(f)).json()) as Video;
    const seeds = new Set(body.frames[0]!.map((m) => m.seed));
    expect(seeds.size).toBe(1);
    expect(Number.isInteger([...seeds][0])).toBe(true);
  });

  const cases: [string, Record<string, string>, Uint8Array | string | null | "default", number, RegExp][] = [
    [
      "height not a multiple of 8",
      { height: "500", width: "512" },
      "default",
      400,
      /^Height and width must be divisible by 8, got height 500 and width 512$/,
    ],
    [
      "over the frame budget",
      { width: "64", height: "48" },
      "default",
      400,
      /64×48×14×2 = 86016 exceeds this runner's frame budget of 43008 \(MAX_VIDEO_WORK\)/,
    ],
    [
      "falling guidance ramp",
      { min_guidance_scale: "3", max_guidance_scale: "2" },
      "default",
      400,
      /min_guidance_scale \(3\) must not exceed max_guidance_scale \(2\)/,
    ],
    [
      "another model",
      { model_id: "other/model" },
      "default",
      400,
      /configured with tiny\/svd but called with other\/model/,
    ],
    [
      "image not an image",
      {},
      new TextEncoder().encode("hello, not a picture"),
      400,
      /image must be a PNG, JPEG or WebP/,
    ],
    ["image cut short", {}, "truncated", 400, /image/],
    ["image 4×4 px", {}, "tiny", 400, /image must be at least 8×8 px, got 4×4/],
    ["image 0×N px", {}, "zero", 400, /^image has zero size \(0×\d+ px\); send an image of at least 8×8 px$/],
    ["no image", {}, null, 422, /image/],
    ["fps 0", { fps: "0" }, "default", 422, /fps/],
    ["fps 121", { fps: "121" }, "default", 422, /fps/],
    ["motion_bucket_id 1024", { motion_bucket_id: "1024" }, "default", 422, /motion_bucket_id/],
    ["noise_aug_strength −0.1", { noise_aug_strength: "-0.1" }, "default", 422, /noise_aug_strength/],
    ["max_guidance_scale 101", { max_guidance_scale: "101" }, "default", 422, /max_guidance_scale/],
    ["decode_chunk_size 0", { decode_chunk_size: "0" }, "default", 422, /decode_chunk_size/],
    ["steps 0", { num_inference_steps: "0" }, "default", 422, /num_inference_steps/],
  ];
  for (const [name, fields, image, status, message] of cases) {
    it(`${name} → ${status}, and the server keeps serving`, async () => {
      let upload: Uint8Array | string | null;
      if (image === "default") upload = png;
      else if (image === "truncated") upload = png.slice(0, 60);
      else if (image === "tiny") upload = await testImage(4, 4);
      else if (image === "zero") {
        // The header says 0 px wide (its checksum made right again).
        const zero = Buffer.from(png);
        zero.writeUInt32BE(0, 16);
        zero.writeUInt32BE(crc32(zero.subarray(12, 29)), 29);
        upload = new Uint8Array(zero);
      } else upload = image;
      const res = await post(form(fields, upload));
      expect(res.status).toBe(status);
      const detail = ((await res.json()) as { detail: { msg: string } | { msg: string }[] }).detail;
      const text = Array.isArray(detail) ? JSON.stringify(detail) : detail.msg;
      expect(text).toMatch(message);
      expect((await post(form())).status).toBe(200);
    });
  }
});

describe("POST /image-to-video of a video larger than one frame batch (tiny/svd 1024×576)", () => {
  const { server, modelDir } = servedRunner(["tiny/svd"], {
    pipeline: "image-to-video",
    modelId: "tiny/svd",
    maxVideoWork: 1024 * 576 * 14 * 2,
  });

  it("streams the frames batch by batch: the same frames as in-process, every decoded chunk on /progress before its end", async () => {
    const { width, height } = { width: 1024, height: 576 };
    const image = await testImage(width, height);
    const f = new FormData();
    for (const [k, v] of Object.entries({ width, height, num_inference_steps: 2, seed: 21, decode_chunk_size: 4 })) {
      f.append(k, String(v));
    }
    f.append("image", new Blob([image as Uint8Array<ArrayBuffer>]), "still.png");
    const id = "i2v-batches-1";
    const events = fetch(`${server().url}/progress/${id}`).then((r) => r.text());
    const res = await fetch(`${server().url}/image-to-video`, {
      method: "POST",
      body: f,
      headers: { "x-request-id": id },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Video;
    const video = body.frames[0]!;
    expect(video).toHaveLength(14);
    const decoded = await Promise.all(video.map((m) => decodeDataUrl(m.url)));
    expect(decoded.every((d) => d.width === width && d.height === height)).toBe(true);

    // The same generation in this process, from the same decoded upload.
    const { decodeImage } = await import("../../image/decode.js");
    const { loadSvd } = await import("./svd-load.js");
    const { generateVideo } = await import("./generate-video.js");
    const { VIDEO_DEFAULTS } = await import("./video-limits.js");
    const svd = await loadSvd({
      modelId: "tiny/svd",
      modelPath: `${modelDir()}/tiny/svd`,
      executionProvider: "cpu",
      intraOpThreads: 1,
      log: () => {},
    });
    try {
      const frames: Uint8Array[] = [];
      await generateVideo(
        svd.components,
        {
          ...VIDEO_DEFAULTS,
          image: await decodeImage(image, { maxSide: 4096, maxPixels: 2 ** 24 }),
          width,
          height,
          numInferenceSteps: 2,
          seed: 21,
          decodeChunkSize: 4,
        },
        {},
        (chunk) => void frames.push(...chunk.frames.map((fr) => fr.pixels)),
      );
      expect(Buffer.concat(decoded.map((d) => d.pixels)).equals(Buffer.concat(frames))).toBe(true);
    } finally {
      await svd.release();
    }

    const text = await events;
    const decodes = text
      .split("\n\n")
      .filter((e) => e.includes("event: progress") && e.includes('"decode"'))
      .map((e) => (JSON.parse(e.slice(e.indexOf("data: ") + 6)) as { step: number }).step);
    expect(decodes).toEqual([4, 8, 12, 14]);
    expect(text.indexOf("event: end")).toBeGreaterThan(text.lastIndexOf('"decode"'));
  });
});
