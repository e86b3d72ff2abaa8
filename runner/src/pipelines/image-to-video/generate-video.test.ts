/**
 * @module Whole image-to-video generations on tiny SVD models: final latents and frames against the TypeScript
 * reference (tiny-svd-reference.ts), seeds and every conditioning field, frame counts from the UNet, decode chunking,
 * the conditioning image's resize, buffers reused across requests, and bad parameters.
 */
import type * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { expectClose } from "../../../test/expect-close.js";
import type { RgbImage } from "../../image/decode.js";
import { fitImage } from "./conditioning.js";
import { FREED_IMAGE_BYTES, generateVideo } from "./generate-video.js";
import { type Collected, collect, params, svdHarness, testCard } from "./tiny-svd-harness.js";
import { referenceVideo } from "./tiny-svd-reference.js";
import type { FrameChunk, VideoParams } from "./video-job.js";

const h = svdHarness();
afterAll(h.cleanup);

/** Frames equal within `levels` 8-bit levels everywhere (float32 sums in another order may round a value apart). */
function expectFramesClose(actual: Uint8Array[], expected: Uint8Array[], levels = 1): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((frame, f) => {
    const ref = expected[f] as Uint8Array;
    expect(frame.length).toBe(ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs((frame[i] as number) - (ref[i] as number)));
    expect(worst, `frame ${f}`).toBeLessThanOrEqual(levels);
  });
}

const bytes = (c: Collected) => Buffer.concat(c.frames);
/** Share of the frames' bytes that differ between two runs. */
const changed = (a: Collected, b: Collected) => {
  const x = bytes(a);
  const y = bytes(b);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n / x.length;
};

describe("image-to-video on tiny/svd (14 frames)", async () => {
  const { svd } = await h.model("svd", "svd");
  const c = svd.components;
  const base = await collect(c, params());

  it("follows the reference: the final latents, and frames within one level", async () => {
    const ref = referenceVideo("svd", params());
    expectClose(base.latents, ref.latents, 1e-5);
    expectFramesClose(base.frames, ref.frames);
    expect(base.frames).toHaveLength(14);
    expect(base.result).toMatchObject({ frames: 14, width: 32, height: 24, steps: 8, guided: true });
    const counts: Record<string, number> = {};
    for (const r of base.runs) counts[r] = (counts[r] ?? 0) + 1;
    expect(counts).toEqual({ image_encoder: 1, vae_encoder: 1, unet: 8, vae_decoder: 4 });
    // Frames are not flat: the test card shows through, and the guidance ramp makes the last frame differ from the first.
    const first = base.frames[0] as Uint8Array;
    expect(new Set(first).size).toBeGreaterThan(20);
    expect(Buffer.compare(Buffer.from(first), Buffer.from(base.frames[13] as Uint8Array))).not.toBe(0);
  });

  it("gives the same bytes for the same seed, and other bytes for another seed", async () => {
    const again = await collect(c, params());
    expect(bytes(again).equals(bytes(base))).toBe(true);
    const other = await collect(c, params({ seed: 43 }));
    expect(changed(other, base)).toBeGreaterThan(0.2);
    expectClose(other.latents, referenceVideo("svd", params({ seed: 43 })).latents, 1e-5);
  });

  const fields: [string, Partial<VideoParams>][] = [
    ["motion_bucket_id", { motionBucketId: 255 }],
    ["fps", { fps: 12 }],
    ["noise_aug_strength", { noiseAugStrength: 0.3 }],
    ["max_guidance_scale", { maxGuidanceScale: 5 }],
    ["min_guidance_scale", { minGuidanceScale: 2 }],
    ["image", { image: testCard(32, 24, 5) }],
  ];
  for (const [name, over] of fields) {
    it(`changes the frames with ${name}, as the reference does`, async () => {
      const p = params(over);
      const got = await collect(c, p);
      expect(changed(got, base)).toBeGreaterThan(0.05);
      expectClose(got.latents, referenceVideo("svd", p).latents, 1e-5);
    });
  }

  it("runs the UNet on the conditional batch alone when max_guidance_scale ≤ 1", async () => {
    const batches: number[] = [];
    const p = params({ minGuidanceScale: 0.5, maxGuidanceScale: 1 });
    const result = await generateVideo(c, p, {}, () => {}, {
      onRun: (component, _s, feeds) => {
        if (component === "unet") batches.push((feeds.sample as ort.Tensor).dims[0] as number);
      },
    });
    expect(result.guided).toBe(false);
    expect(new Set(batches)).toEqual(new Set([1]));
    expectClose((await collect(c, p)).latents, referenceVideo("svd", p).latents, 1e-5);
  });

  it("runs guidance as two UNet runs of batch 1 from splitGuidanceBytes on (set on the CPU): the same bytes", async () => {
    expect(c.splitGuidanceBytes).toBe(4 * 1024 * 1024);
    const batches: number[] = [];
    const split = { ...c, splitGuidanceBytes: 1 };
    const p = params();
    const record = (component: string, _s: unknown, feeds: Record<string, ort.Tensor>) => {
      if (component === "unet") batches.push((feeds.sample as ort.Tensor).dims[0] as number);
    };
    await generateVideo(split, p, {}, () => {}, { onRun: record });
    expect(batches).toEqual(Array(16).fill(1));
    const again = await collect(split, p);
    expect(bytes(again).equals(bytes(base))).toBe(true);
    expect(Buffer.from(again.latents.buffer).equals(Buffer.from(base.latents.buffer))).toBe(true);
    // Below the threshold one batch of two, as before.
    batches.length = 0;
    await generateVideo(c, p, {}, () => {}, { onRun: record });
    expect(batches).toEqual(Array(8).fill(2));
  });

  it("decodes in chunks: the same frames for chunk sizes 1, 4, 5 and all, with num_frames = the chunk's length", async () => {
    for (const [size, lengths] of [
      [1, Array(14).fill(1)],
      [4, [4, 4, 4, 2]],
      [5, [5, 5, 4]],
      [14, [14]],
      [99, [14]],
    ] as const) {
      const got = await collect(c, params({ decodeChunkSize: size }));
      expect(got.numFrames, `chunk ${size}`).toEqual(lengths);
      expect(got.chunks.map((ch) => ch.first)).toEqual(
        lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0)),
      );
      expect(bytes(got).equals(bytes(base)), `chunk ${size}`).toBe(true);
    }
  });

  it("hands each chunk's frames over in buffers of their own (transferable)", async () => {
    const got = await collect(c, params({ decodeChunkSize: 4 }));
    for (const chunk of got.chunks) {
      expect(chunk.buffers).toHaveLength(1);
      const size = 32 * 24 * 3;
      expect(chunk.buffers[0]?.byteLength).toBe(chunk.frames.length * size);
      for (const frame of chunk.frames) expect(frame.pixels.buffer).toBe(chunk.buffers[0]);
    }
  });

  it("resizes a conditioning image of another size for the VAE, while CLIP sees it whole", async () => {
    const image = testCard(70, 44, 3);
    const p = params({ image });
    const got = await collect(c, p);
    expect(got.frames[0]).toHaveLength(32 * 24 * 3);
    const fitted: RgbImage = await fitImage(image, 32, 24);
    expectClose(got.latents, referenceVideo("svd", p, fitted).latents, 1e-5);
  });

  it("frees a handed-over image once conditioned (same frames); leaves the caller's image and a small one", async () => {
    const image = testCard(320, 288);
    expect(image.pixels.byteLength).toBeGreaterThanOrEqual(FREED_IMAGE_BYTES);
    const handed = { ...image, pixels: image.pixels.slice() };
    const theirs = await collect(c, params({ image }));
    expect(image.pixels.length).toBe(320 * 288 * 3);
    const frames: Uint8Array[] = [];
    const sink = (chunk: FrameChunk) => void frames.push(...chunk.frames.map((f) => f.pixels.slice()));
    await generateVideo(c, params({ image: handed }), {}, sink, { ownsImage: true });
    expect([handed.pixels.length, handed.pixels.buffer.byteLength]).toEqual([0, 0]);
    expect(Buffer.concat(frames).equals(bytes(theirs))).toBe(true);
    const small = testCard(32, 24);
    await generateVideo(c, params({ image: small }), {}, () => {}, { ownsImage: true });
    expect(small.pixels.length).toBe(32 * 24 * 3);
  });

  it("reuses its buffers across requests of different shapes, also when requests overlap", async () => {
    const jobs = [
      params(),
      params({ width: 16, height: 16 }),
      params({ maxGuidanceScale: 1 }),
      params({ seed: 9, width: 16, height: 16 }),
      params({ seed: 5 }),
    ];
    const sequential: Collected[] = [];
    for (const p of jobs) sequential.push(await collect(c, p));
    const overlapping = await Promise.all(jobs.map((p) => collect(c, p)));
    jobs.forEach((p, i) => {
      expectClose((sequential[i] as Collected).latents, referenceVideo("svd", p).latents, 1e-5);
      expect(bytes(overlapping[i] as Collected).equals(bytes(sequential[i] as Collected))).toBe(true);
    });
  });

  it("lets a large request's loop buffers go (sample ≥ 4 MiB) and follows the reference on the next one too", async () => {
    // 640×512 under guidance: sample [2,14,8,64,80] is 4.6 MB, the VAE encoder's input 3.9 MB (pooled).
    const large = params({ width: 640, height: 512, numInferenceSteps: 2, decodeChunkSize: 7 });
    const first = await collect(c, large);
    const other = await collect(c, { ...large, seed: 7 });
    const again = await collect(c, large);
    expectClose(first.latents, referenceVideo("svd", large).latents, 1e-5);
    expectClose(other.latents, referenceVideo("svd", { ...large, seed: 7 }).latents, 1e-5);
    expect(bytes(again).equals(bytes(first))).toBe(true);
    // Requests overlapping a large one each get their own buffers.
    const both = await Promise.all([collect(c, large), collect(c, { ...large, seed: 7 })]);
    expect(bytes(both[0] as Collected).equals(bytes(first))).toBe(true);
    expect(bytes(both[1] as Collected).equals(bytes(other))).toBe(true);
  });

  it("refuses a size that is not a multiple of 8 and a falling guidance ramp, with Livepeer's and our 400", async () => {
    await expect(collect(c, params({ width: 36 }))).rejects.toMatchObject({
      name: "BadRequestError",
      message: "Height and width must be divisible by 8, got height 24 and width 36",
    });
    await expect(collect(c, params({ minGuidanceScale: 3, maxGuidanceScale: 2 }))).rejects.toMatchObject({
      name: "BadRequestError",
      message: expect.stringContaining("min_guidance_scale (3) must not exceed max_guidance_scale (2)"),
    });
  });
});

describe("frame counts come from the UNet", () => {
  it("tiny/svd-xt makes 25 frames; a symbolic frame dimension falls back to unet/config.json", async () => {
    const { svd: xt } = await h.model("svd-xt", "svd-xt");
    expect(xt.info.num_frames).toBe(25);
    const p = params({ decodeChunkSize: 8 });
    const got = await collect(xt.components, p);
    expect(got.frames).toHaveLength(25);
    expect(got.numFrames).toEqual([8, 8, 8, 1]);
    expectClose(got.latents, referenceVideo("svd-xt", p).latents, 1e-5);
    const { svd: dynamic } = await h.model("svd-xt-dynamic", "svd-xt", { frames: "dynamic" });
    expect(dynamic.info.num_frames).toBe(25);
    expect(bytes(await collect(dynamic.components, p)).equals(bytes(got))).toBe(true);
  });
});
