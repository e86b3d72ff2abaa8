/**
 * @module SVD's denoising loop, as diffusers' `StableVideoDiffusionPipeline.__call__` runs it: at each step the
 * latents [F,4,h,w] scaled by Euler's 1/√(σ²+1) are concatenated channel-wise with the image latents into the UNet's
 * `sample` [B,F,8,h,w] — under guidance B = 2, [unconditional (zero image latents, zero embeddings); conditional] —
 * the UNet runs once on the batch, frame f's output is v_u + g_f·(v_c − v_u) with g_f the linear guidance ramp, and the
 * scheduler steps. Its arrays and tensors are made once per UNet and shape and lent to one request at a time (the
 * image-latent half of `sample` is written once per request, only the noisy half per step), so a step allocates
 * nothing in JavaScript.
 */
import type * as ort from "onnxruntime-node";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import type { NoiseSource, SchedulePlan, StepResult } from "../../schedulers/index.js";
import {
  type ReusedFloatTensor,
  type ReusedTimestepTensor,
  readFloats,
  reusedFloatTensor,
  reusedTimestepTensor,
} from "../stable-diffusion/session-io.js";
import type { TimedRun } from "../stable-diffusion/vae.js";
import type { SvdComponents } from "./svd-load.js";
import { checkAborted, type VideoControl } from "./video-job.js";

/** What one denoising run needs. */
export interface VideoDenoiseInput {
  plan: SchedulePlan;
  /** Latent size: h = height/8, w = width/8. */
  h: number;
  w: number;
  /** Per-frame guidance g_f when the UNet runs on [unconditional; conditional], else undefined. */
  ramp: Float32Array | undefined;
  embeds: Float32Array;
  /** [4,h,w], repeated over the frames (zeros in the unconditional half). */
  imageLatents: Float32Array;
  /** `added_time_ids` = [fps − 1, motion_bucket_id, noise_aug_strength]. */
  timeIds: readonly [number, number, number];
  /** The initial latents [F,4,h,w]: the loop takes them over. */
  latents: Float32Array;
  noise: NoiseSource;
  run: TimedRun;
  control: VideoControl;
}

/** The arrays and tensors of one loop shape. */
interface LoopBuffers {
  sample: ReusedFloatTensor;
  timestep: ReusedTimestepTensor;
  hidden: ReusedFloatTensor;
  timeIds: ReusedFloatTensor;
  feeds: Record<string, ort.Tensor>;
  /** v after guidance (under guidance only). */
  guided: Float32Array | undefined;
  /** The step's results; `prevSample` swaps with the current latents after every step. */
  next: StepResult;
}

const pool = new ShapePool<LoopBuffers>(2);

function makeBuffers(c: SvdComponents, batch: number, count: number, h: number, w: number): LoopBuffers {
  const { unet } = c.io;
  const frames = c.frames;
  const sample = reusedFloatTensor(unet.sample, new Float32Array(batch * 2 * count), [batch, frames, 8, h, w]);
  const timestep = reusedTimestepTensor(unet.timestep, batch);
  const hidden = reusedFloatTensor(unet.hidden, new Float32Array(batch * c.io.embedDim), [batch, 1, c.io.embedDim]);
  const timeIds = reusedFloatTensor(unet.timeIds, new Float32Array(batch * 3), [batch, 3]);
  return {
    sample,
    timestep,
    hidden,
    timeIds,
    feeds: {
      [unet.sample.name]: sample.tensor,
      [unet.timestep.name]: timestep.tensor,
      [unet.hidden.name]: hidden.tensor,
      [unet.timeIds.name]: timeIds.tensor,
    },
    guided: batch === 2 ? new Float32Array(count) : undefined,
    next: { prevSample: new Float32Array(count), predOriginal: new Float32Array(count) },
  };
}

/** Writes the per-request conditioning: embeddings, time ids, and the image latents of every frame's second half. */
function condition(b: LoopBuffers, d: VideoDenoiseInput, frames: number, count: number): void {
  const batch = b.guided ? 2 : 1;
  const dim = d.embeds.length;
  b.hidden.values.fill(0);
  b.hidden.values.set(d.embeds, (batch - 1) * dim);
  b.hidden.refresh();
  for (let r = 0; r < batch; r++) b.timeIds.values.set(d.timeIds, 3 * r);
  b.timeIds.refresh();
  const perFrame = count / frames;
  const conditional = (batch - 1) * frames;
  for (let f = 0; f < frames; f++) b.sample.values.set(d.imageLatents, ((conditional + f) * 2 + 1) * perFrame);
}

/**
 * Runs every step of the plan and returns the final latents [F,4,h,w], which belong to the caller. Progress is
 * reported after each step (`denoise`, step i of n); the job is checked for abort before each.
 *
 * @example
 * const latents = await denoiseVideo(components, { plan, h: 8, w: 8, ramp, embeds, imageLatents, timeIds, latents: x, noise, run, control });
 */
export async function denoiseVideo(c: SvdComponents, d: VideoDenoiseInput): Promise<Float32Array> {
  const frames = c.frames;
  const count = d.latents.length;
  const perFrame = count / frames;
  const batch = d.ramp ? 2 : 1;
  const key = shapeKey(2 * frames + batch - 1, d.h, d.w);
  const b = pool.take(c.unet, key) ?? makeBuffers(c, batch, count, d.h, d.w);
  try {
    condition(b, d, frames, count);
    const { plan, control } = d;
    const sample = b.sample.values;
    const total = plan.timesteps.length;
    let latents = d.latents;
    for (let i = 0; i < total; i++) {
      checkAborted(control);
      const sigma = plan.sigmas[i] as number;
      // Euler's scale_model_input, the EDM c_in.
      const cIn = 1 / Math.sqrt(sigma * sigma + 1);
      for (let r = 0; r < batch; r++) {
        for (let f = 0; f < frames; f++) {
          const src = f * perFrame;
          const dst = (r * frames + f) * 2 * perFrame;
          for (let k = 0; k < perFrame; k++) sample[dst + k] = cIn * (latents[src + k] as number);
        }
      }
      b.sample.refresh();
      b.timestep.set(plan.timesteps[i] as number);
      const out = await d.run("unet", c.unet, b.feeds, [c.io.unet.output]);
      const v = readFloats(out[c.io.unet.output]);
      const modelOutput = b.guided ? guide(v, d.ramp as Float32Array, perFrame, b.guided) : v;
      plan.step(modelOutput, i, latents, d.noise, b.next);
      const previous = latents;
      latents = b.next.prevSample;
      b.next.prevSample = previous;
      control.progress?.({ stage: "denoise", step: i + 1, total });
    }
    return latents;
  } finally {
    pool.give(c.unet, key, b);
  }
}

/** Frame f of `out` is v_u + g_f·(v_c − v_u), over a [unconditional; conditional] batch of `out.length` values each. */
function guide(v: Float32Array, ramp: Float32Array, perFrame: number, out: Float32Array): Float32Array {
  const half = out.length;
  for (let f = 0, at = 0; f < ramp.length; f++) {
    const g = ramp[f] as number;
    for (let k = 0; k < perFrame; k++, at++) {
      const u = v[at] as number;
      out[at] = u + g * ((v[half + at] as number) - u);
    }
  }
  return out;
}
