/**
 * @module `POST /text-to-image`, HTTP half: checks the request beyond the schema (sizes divisible by 8, the work limit,
 * the LoRA field, the seed), queues it for the worker and returns PNG data URLs.
 */
import { parseLoras } from "../../lora/index.js";
import { checkDivisibleBy8, checkWork, requestSeed, toImageResponse } from "../stable-diffusion/http-common.js";
import type { SdJob, SdResult } from "../stable-diffusion/job.js";
import type { HttpPipeline } from "../types.js";

/** The text-to-image pipeline's HTTP half. */
export const textToImageHttp: HttpPipeline = {
  operationId: "genTextToImage",
  mount(route, ctx, before) {
    route(
      "genTextToImage",
      async (body, c) => {
        ctx.checkModelId(body.model_id);
        const height = body.height ?? 576;
        const width = body.width ?? 1024;
        const images = body.num_images_per_prompt ?? 1;
        const steps = body.num_inference_steps ?? 50;
        checkDivisibleBy8(height, width);
        checkWork({ width, height, images, steps }, ctx.config.maxSdWork);
        const job: SdJob = {
          prompt: body.prompt,
          negativePrompt: body.negative_prompt ?? "",
          guidanceScale: body.guidance_scale ?? 7.5,
          numInferenceSteps: steps,
          numImages: images,
          seed: requestSeed(body.seed, images),
          width,
          height,
          safetyCheck: body.safety_check ?? true,
          loras: parseLoras(body.loras),
        };
        const result = await ctx.run<SdResult>(job, { signal: c.req.raw.signal });
        return toImageResponse(result, job.seed, ctx.log, ctx.config.pngCompression);
      },
      ...before,
    );
  },
};
