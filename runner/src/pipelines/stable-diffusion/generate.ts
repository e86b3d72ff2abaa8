/**
 * @module One generation, text-to-image or image-to-image, as in diffusers' Stable Diffusion (XL) pipelines:
 * encode the prompts, start from seeded noise (or the noised init image from step `steps − int(steps·strength)`),
 * run the UNet once per step on [negative, positive] when guidance_scale > 1 and combine
 * ε = ε_u + g·(ε_c − ε_u), step the scheduler, decode with the VAE, and run the safety checker when there is one.
 */

import type * as ort from "onnxruntime-node";
import { BadRequestError } from "../../errors.js";
import type { RgbImage } from "../../image/decode.js";
import { batchNoise, type Scheduler } from "../../schedulers/index.js";
import { scale } from "../../schedulers/scheduler.js";
import { NO_JOB_CONTROL } from "../../worker/job-control.js";
import type { JobControl } from "../contract.js";
import { type DenoiseInput, denoise, LatentOverflowError } from "./denoise.js";
import type { SdJob, SdResult } from "./job.js";
import type { SdModelIndex } from "./model-index.js";
import { checkSafety } from "./safety.js";
import { describe, floatTensor, requireValue } from "./session-io.js";
import { encodePrompts, repeatRows, type TextEncoderPlan } from "./text-encoding.js";
import { decodeLatents, encodeImage, type RunObserver, timedRunner } from "./vae.js";

/** The loaded parts of an SD model a generation uses. */
export interface SdComponents {
  index: SdModelIndex;
  scheduler: Scheduler;
  textEncoders: TextEncoderPlan[];
  unet: ort.InferenceSession;
  vaeDecoder: ort.InferenceSession;
  vaeEncoder: ort.InferenceSession | undefined;
  safetyChecker: ort.InferenceSession | undefined;
  /** Prepares the checker's inputs in ONNX Runtime (safety-preprocess.ts); without it they are prepared in JS. */
  safetyPreprocess?: ort.InferenceSession | undefined;
}

/**
 * The first denoising step of image-to-image: diffusers' `init_timestep = min(int(steps·strength), steps)`,
 * `t_start = steps − init_timestep`.
 *
 * @throws {BadRequestError} when that leaves no step to run.
 * @example
 * startStep(50, 0.8); // 10
 */
export function startStep(steps: number, strength: number): number {
  const init = Math.min(Math.floor(steps * strength), steps);
  if (init < 1) {
    throw new BadRequestError(
      `strength ${strength} × num_inference_steps ${steps} leaves no denoising step; raise strength or num_inference_steps so that their product is ≥ 1`,
    );
  }
  return steps - init;
}

/**
 * Runs one job; `latents` (the final latents, before decoding) is returned for tests and benchmarks.
 *
 * `control` is checked before every denoising step and before decoding and the safety check (a cancelled job
 * throws `JobAbortedError` there) and told of each step (`denoise`) and of the decoding (`decode`).
 * `onRun` sees every `session.run` call with its inputs (the benchmark replays them to measure the floor). The
 * denoising loop refills the same UNet input tensors at every step, so an observer that keeps feeds must copy them.
 *
 * @example
 * const { result } = await generate(components, job, control);
 */
export async function generate(
  c: SdComponents,
  job: SdJob,
  control: JobControl = NO_JOB_CONTROL,
  onRun?: RunObserver,
): Promise<{ result: SdResult; latents: Float32Array }> {
  const started = performance.now();
  const sessionMs: Record<string, number> = {};
  const run = timedRunner(sessionMs, onRun);
  const n = job.numImages;
  const unetIn = describe(c.unet, "input");
  // LCM-distilled UNets take the guidance scale as an embedding and run without a negative pass.
  const guidanceEmbedded = unetIn.has("timestep_cond");
  const cfg = job.guidanceScale > 1 && !guidanceEmbedded;
  const sdxl = c.index.family === "sdxl";
  const { width, height } = job.init?.image ?? job;
  const h = height / 8;
  const w = width / 8;
  const size = 4 * h * w;

  const zeroNegative = cfg && sdxl && c.index.forceZerosForEmptyPrompt && job.negativePrompt === "";
  const prompts = cfg && !zeroNegative ? [job.negativePrompt, job.prompt] : [job.prompt];
  const text = await encodePrompts(c.textEncoders, prompts, run);
  let hidden = text.hidden;
  let pooled = text.pooled;
  if (zeroNegative) {
    hidden = concat(new Float32Array(hidden.length), hidden);
    pooled = pooled && concat(new Float32Array(pooled.length), pooled);
  }
  const groups = cfg ? 2 : 1;
  const batch = groups * n;
  const conditioning: Record<string, ort.Tensor> = {
    encoder_hidden_states: floatTensor(
      requireValue(unetIn, "encoder_hidden_states", "unet"),
      repeatRows(hidden, groups, n),
      [batch, hidden.length / (groups * text.width), text.width],
    ),
  };
  if (guidanceEmbedded) {
    const info = requireValue(unetIn, "timestep_cond", "unet");
    const dim = info.shape[1];
    if (typeof dim !== "number")
      throw new Error(`unet input timestep_cond must have a fixed width, got [${info.shape}]`);
    const emb = guidanceEmbedding(job.guidanceScale - 1, dim);
    conditioning.timestep_cond = floatTensor(info, repeatRows(emb, 1, batch), [batch, dim]);
  }
  if (sdxl) {
    const p = pooled as Float32Array;
    conditioning.text_embeds = floatTensor(requireValue(unetIn, "text_embeds", "unet"), repeatRows(p, groups, n), [
      batch,
      text.pooledWidth,
    ]);
    const ids = new Float32Array(batch * 6);
    for (let b = 0; b < batch; b++) ids.set([height, width, 0, 0, height, width], b * 6);
    conditioning.time_ids = floatTensor(requireValue(unetIn, "time_ids", "unet"), ids, [batch, 6]);
  }

  const plan = c.scheduler.plan(job.numInferenceSteps);
  const seeds: number[] = [];
  for (let i = 0; i < n; i++) seeds.push(job.seed + i);
  const noise = batchNoise(seeds);
  const count = n * size;
  let first = 0;
  let start: Float32Array;
  if (job.init) {
    if (!c.vaeEncoder) throw new BadRequestError("this model has no vae_encoder, so it cannot do image-to-image");
    first = startStep(job.numInferenceSteps, job.init.strength);
    const init = await encodeImage(c.vaeEncoder, job.init.image, n, c.index.vaeScalingFactor, noise, run);
    start = plan.addNoise(init, noise(count), first);
  } else {
    const drawn = noise(count);
    start = scale(plan.initNoiseSigma, drawn, drawn);
  }
  const latents = await denoiseChecked(job, {
    unet: c.unet,
    sampleInfo: requireValue(unetIn, "sample", "unet"),
    timestepInfo: requireValue(unetIn, "timestep", "unet"),
    plan,
    first,
    latents: start,
    noise,
    conditioning,
    guidance: cfg ? job.guidanceScale : undefined,
    images: n,
    h,
    w,
    run,
    control,
  });

  control.throwIfAborted();
  const images: RgbImage[] = await decodeLatents(
    c.vaeDecoder,
    latents,
    n,
    width,
    height,
    c.index.vaeScalingFactor,
    run,
  );
  control.progress({ stage: "decode", step: 1, total: 1 });
  control.throwIfAborted();
  const nsfw =
    job.safetyCheck && c.safetyChecker
      ? await checkSafety(c.safetyChecker, images, run, c.safetyPreprocess)
      : images.map(() => false);
  const negativeEncoded = prompts.length === 2;
  const result: SdResult = {
    images,
    nsfw,
    truncated: {
      prompt: text.truncatedTokens.at(-1) ?? 0,
      negativePrompt: negativeEncoded ? (text.truncatedTokens[0] ?? 0) : 0,
      text: text.truncatedText.at(-1) ?? "",
    },
    steps: plan.timesteps.length - first,
    sessionMs,
    totalMs: performance.now() - started,
  };
  return { result, latents };
}

/**
 * {@link denoise}, with an overflow told as what most likely caused it: the job's LoRAs (400, the caller chose them)
 * or, with none, the model itself (a plain error, answered 500).
 */
async function denoiseChecked(job: SdJob, input: DenoiseInput): Promise<Float32Array> {
  try {
    return await denoise(input);
  } catch (err) {
    if (!(err instanceof LatentOverflowError)) throw err;
    if (job.loras.length === 0) throw new Error(`${err.message}; its weights may be damaged`, { cause: err });
    const loras = job.loras.map((l) => `LoRA ${JSON.stringify(l.id)} at weight ${l.weight}`).join(" + ");
    throw new BadRequestError(
      `${err.message} with ${loras}: the LoRA's values are most likely too large for this model; use a smaller ` +
        "weight or another LoRA",
      { cause: err },
    );
  }
}

/**
 * The guidance-scale embedding of LCM-distilled UNets (`timestep_cond`): sinusoids of 1000·w, half sin, half cos,
 * frequencies 10000^(−k/(dim/2 − 1)) — diffusers' `get_guidance_scale_embedding` with w = guidance_scale − 1.
 *
 * @example
 * guidanceEmbedding(7.5, 256).length; // 256
 */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const step = Math.log(10000) / (half - 1);
  for (let k = 0; k < half; k++) {
    const v = w * 1000 * Math.exp(-step * k);
    out[k] = Math.sin(v);
    out[half + k] = Math.cos(v);
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
