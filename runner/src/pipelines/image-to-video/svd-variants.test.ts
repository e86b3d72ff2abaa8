/**
 * @module Export variants of the same tiny SVD weights load with no setting and give the same video: fp16 I/O,
 * external weight files, scalar / [1] / [B] timesteps, a float or int64 `num_frames` (or none), a `latent_sample`
 * VAE encoder.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TinySvdOptions } from "../../models/factory/svd-tiny.js";
import { type Collected, collect, params, svdHarness } from "./tiny-svd-harness.js";

const h = svdHarness();
afterAll(h.cleanup);

function worstRelative(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  return worst / scale;
}

function worstLevels(a: Collected, b: Collected): number {
  let worst = 0;
  a.frames.forEach((frame, f) => {
    const other = b.frames[f] as Uint8Array;
    for (let i = 0; i < frame.length; i++)
      worst = Math.max(worst, Math.abs((frame[i] as number) - (other[i] as number)));
  });
  return worst;
}

describe("export variants of tiny/svd", async () => {
  const { svd } = await h.model("svd", "svd");
  const p = params({ seed: 11 });
  const base = await collect(svd.components, p);
  expect(svd.info.pixels_in_graph).toBe(true);
  expect(svd.info.clip_preparation_in_encoder).toBe(true);

  const variants: [
    string,
    Partial<TinySvdOptions>,
    { rel: number; levels: number; pixelsInGraph: boolean; clipInEncoder?: false },
  ][] = [
    ["timestep [1]", { timestep: "[1]" }, { rel: 1e-6, levels: 0, pixelsInGraph: true }],
    ["timestep [B]", { timestep: "[B]" }, { rel: 1e-6, levels: 0, pixelsInGraph: true }],
    [
      "num_frames float [1]",
      { numFrames: { dtype: "float", shape: "[1]" } },
      { rel: 1e-6, levels: 0, pixelsInGraph: true },
    ],
    ["no num_frames input", { numFrames: "none" }, { rel: 1e-6, levels: 0, pixelsInGraph: true }],
    ["latent_sample VAE encoder", { vaeEncoderOutput: "latent_sample" }, { rel: 1e-6, levels: 0, pixelsInGraph: true }],
    // JS pixel conversion (float64) instead of the graph's float32: a value on a rounding edge may land one level apart.
    // …and the CLIP preparation as a session of its own.
    ["external weights", { externalData: true }, { rel: 1e-6, levels: 1, pixelsInGraph: false, clipInEncoder: false }],
    [
      "fp16 I/O, [B] timestep, float num_frames",
      { io: "float16", timestep: "[B]", numFrames: { dtype: "float", shape: "scalar" } },
      { rel: 5e-3, levels: 3, pixelsInGraph: true },
    ],
  ];
  for (const [name, overrides, expected] of variants) {
    it(`${name}: loads and gives the same video`, async () => {
      const { svd: variant } = await h.model(name.replace(/[^a-z0-9]+/gi, "-"), "svd", overrides);
      expect(variant.info.pixels_in_graph).toBe(expected.pixelsInGraph);
      expect(variant.info.clip_preparation_in_encoder).toBe(expected.clipInEncoder ?? true);
      expect(variant.info.decoder_takes_num_frames).toBe(overrides.numFrames !== "none");
      const got = await collect(variant.components, p);
      expect(got.frames).toHaveLength(14);
      expect(worstRelative(got.latents, base.latents)).toBeLessThan(expected.rel);
      expect(worstLevels(got, base)).toBeLessThanOrEqual(expected.levels);
    });
  }
});
