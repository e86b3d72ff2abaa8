/**
 * @module image-to-image through the whole pipeline: the start step from strength, the encoded and noised init image
 * (latent_sample and latent_parameters encoders), and the 400 for a strength that leaves no step.
 */
import { afterAll, describe, expect, it } from "vitest";
import { expectClose } from "../../../test/expect-close.js";
import { job, tinyHarness } from "../../testing/sd-harness.js";
import { referenceLatents } from "../../testing/sd-reference.js";
import { generate, type SdComponents } from "./generate.js";

const h = tinyHarness();
afterAll(h.cleanup);
const model = h.model;

describe("image-to-image", () => {
  const image = (w: number, h: number) => ({
    width: w,
    height: h,
    pixels: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256),
  });
  /** The tiny VAE encoder: 8×8 means of R, G, B and their mean, scaled. */
  function encoded(img: ReturnType<typeof image>, scaling: number): Float32Array {
    const h = img.height / 8;
    const w = img.width / 8;
    const out = new Float32Array(4 * h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const rgb = [0, 1, 2].map((c) => {
          let s = 0;
          for (let dy = 0; dy < 8; dy++)
            for (let dx = 0; dx < 8; dx++)
              s += (img.pixels[((y * 8 + dy) * img.width + x * 8 + dx) * 3 + c] as number) / 127.5 - 1;
          return s / 64;
        });
        rgb.push((rgb[0]! + rgb[1]! + rgb[2]!) / 3);
        rgb.forEach((v, c) => {
          out[c * h * w + y * w + x] = v * scaling;
        });
      }
    }
    return out;
  }

  it("starts at steps − int(steps·strength) from the noised init latents (latent_sample encoder)", async () => {
    const { sd, reference } = await model("i2i-sd15", "sd15");
    const c = (sd as unknown as { components: SdComponents }).components;
    const img = image(32, 16);
    const j = job({ init: { image: img, strength: 0.5 }, numInferenceSteps: 4, numImages: 2 });
    const { latents, result } = await generate(c, j);
    expect(result.steps).toBe(2);
    const init = encoded(img, 0.18215);
    const ref = referenceLatents(
      {
        ...reference,
        initLatents: (_noise, n) =>
          Float32Array.from({ length: n * init.length }, (_, i) => init[i % init.length] as number),
      },
      j,
    );
    expectClose(latents, ref, 1e-5);
  });

  it("starts a DPM++ 2M trajectory mid-schedule: first order at the start step, then its own history", async () => {
    const scheduler = {
      _class_name: "DPMSolverMultistepScheduler",
      beta_schedule: "scaled_linear",
      beta_start: 0.00085,
      beta_end: 0.012,
      use_karras_sigmas: true,
    };
    const { sd, reference } = await model("i2i-dpm", "sd15", { scheduler });
    const c = (sd as unknown as { components: SdComponents }).components;
    const img = image(16, 16);
    const j = job({ init: { image: img, strength: 0.6 }, numInferenceSteps: 10 });
    const { latents, result } = await generate(c, j);
    expect(result.steps).toBe(6);
    const init = encoded(img, 0.18215);
    const ref = referenceLatents({ ...reference, initLatents: () => Float32Array.from(init) }, j);
    expectClose(latents, ref, 1e-5);
    // The same request again (a new plan, its history empty) gives the same latents.
    expect(Buffer.from((await generate(c, j)).latents.buffer)).toEqual(Buffer.from(latents.buffer));
  });

  it("samples a latent_parameters encoder with each image's seeded noise", async () => {
    const { sd, reference } = await model("i2i-turbo", "sd-turbo");
    const c = (sd as unknown as { components: SdComponents }).components;
    const img = image(16, 16);
    const j = job({ init: { image: img, strength: 1 }, numInferenceSteps: 2, guidanceScale: 0, numImages: 2 });
    const mean = encoded(img, 1);
    const ref = referenceLatents(
      {
        ...reference,
        initLatents: (noise, n) =>
          noise(n * mean.length).map((e, i) => ((mean[i % mean.length] as number) + Math.exp(-2) * e) * 0.18215),
      },
      j,
    );
    expectClose((await generate(c, j)).latents, ref, 1e-5);
  });

  it("refuses a strength that leaves no step", async () => {
    const { sd } = await model("i2i-zero", "sd-turbo");
    const c = (sd as unknown as { components: SdComponents }).components;
    await expect(
      generate(c, job({ init: { image: image(16, 16), strength: 0.1 }, numInferenceSteps: 5 })),
    ).rejects.toMatchObject({
      // BadRequestError: the server answers it 400.
      name: "BadRequestError",
      message: expect.stringMatching(/strength 0.1 × num_inference_steps 5 leaves no denoising step/),
    });
  });
});
