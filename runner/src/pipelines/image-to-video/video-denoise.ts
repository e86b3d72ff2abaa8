/**
 * @module SVD's denoising loop, as diffusers' `StableVideoDiffusionPipeline.__call__` runs it: at each step the
 * latents [F,4,h,w] scaled by Euler's 1/√(σ²+1) are concatenated channel-wise with the image latents into the UNet's
 * `sample` [B,F,8,h,w] — under guidance B = 2, [unconditional (zero image latents, zero embeddings); conditional] —
 * the UNet runs once on the batch, frame f's output is v_u + g_f·(v_c − v_u) with g_f the linear guidance ramp, and the
 * scheduler steps. Where the model's {@link SvdComponents.splitGuidanceBytes} says so, a large guided batch runs as
 * two UNet runs of batch 1 instead, on one [1,F,8,h,w] `sample` whose image-latent half is switched between zeros and
 * the image latents once per step: the same values, for half the input and half the UNet's working memory. Its
 * arrays and tensors are made once per UNet and shape and lent to one request at a time (the image-latent half of
 * `sample` is written once per request, only the noisy half per step), so a step allocates no buffers in JavaScript.
 * Under guidance one pass per step does the guidance, the Euler update and the next step's scaled input
 * (`guidedEulerStep` with a target). Large dead UNet outputs are freed at once, with no collection (`freeNow`), and a
 * large loop's arrays are not pooled (release-outputs.ts).
 */
import type * as ort from "onnxruntime-node";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import {
  guidedEulerStep,
  type NoiseSource,
  type ScaledSampleTarget,
  type SchedulePlan,
  type StepResult,
  scaleIntoSample,
} from "../../schedulers/index.js";
import {
  type ReusedFloatTensor,
  type ReusedTimestepTensor,
  readFloats,
  reusedFloatTensor,
  reusedTimestepTensor,
} from "../stable-diffusion/session-io.js";
import type { TimedRun } from "../stable-diffusion/vae.js";
import { freeNow, pooled } from "./release-outputs.js";
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
  /** Under guidance, the UNet runs on [unconditional; conditional]. */
  guided: boolean;
  /**
   * Under split guidance (batch 1): the unconditional run's zero embeddings and feeds, and whether the sample's
   * image-latent half holds the image latents now (the conditional run's) or zeros (the unconditional run's).
   */
  split: { hidden: ReusedFloatTensor; feeds: Record<string, ort.Tensor>; image: boolean } | undefined;
  /** The step's results; `prevSample` swaps with the current latents after every step. */
  next: StepResult;
}

const pool = new ShapePool<LoopBuffers>(2);

function makeBuffers(c: SvdComponents, guided: boolean, split: boolean, count: number, h: number, w: number) {
  const { unet } = c.io;
  const frames = c.frames;
  const batch = guided && !split ? 2 : 1;
  const sample = reusedFloatTensor(unet.sample, new Float32Array(batch * 2 * count), [batch, frames, 8, h, w]);
  const timestep = reusedTimestepTensor(unet.timestep, batch);
  const hidden = reusedFloatTensor(unet.hidden, new Float32Array(batch * c.io.embedDim), [batch, 1, c.io.embedDim]);
  const timeIds = reusedFloatTensor(unet.timeIds, new Float32Array(batch * 3), [batch, 3]);
  const feeds = {
    [unet.sample.name]: sample.tensor,
    [unet.timestep.name]: timestep.tensor,
    [unet.hidden.name]: hidden.tensor,
    [unet.timeIds.name]: timeIds.tensor,
  };
  const zeros = split ? reusedFloatTensor(unet.hidden, new Float32Array(c.io.embedDim), [1, 1, c.io.embedDim]) : null;
  return {
    sample,
    timestep,
    hidden,
    timeIds,
    feeds,
    guided,
    split: zeros ? { hidden: zeros, feeds: { ...feeds, [unet.hidden.name]: zeros.tensor }, image: true } : undefined,
    next: { prevSample: new Float32Array(count), predOriginal: new Float32Array(count) },
  } satisfies LoopBuffers;
}

/** Rows of the UNet's batch: 2 under joint guidance, else 1. */
const rowsOf = (b: LoopBuffers) => (b.guided && !b.split ? 2 : 1);

/** Whether guidance runs as two UNet runs of batch 1 for `count` latents (see {@link SvdComponents}). */
function splitsGuidance(c: SvdComponents, count: number): boolean {
  return c.splitGuidanceBytes !== undefined && 2 * 2 * count * Float32Array.BYTES_PER_ELEMENT >= c.splitGuidanceBytes;
}

/** Writes the per-request conditioning: embeddings, time ids, and the image latents of every frame's second half. */
function condition(b: LoopBuffers, d: VideoDenoiseInput, frames: number, count: number): void {
  const batch = rowsOf(b);
  const dim = d.embeds.length;
  b.hidden.values.fill(0);
  b.hidden.values.set(d.embeds, (batch - 1) * dim);
  b.hidden.refresh();
  if (b.split) {
    b.split.hidden.values.fill(0);
    b.split.hidden.refresh();
    b.split.image = true;
  }
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
  const guided = d.ramp !== undefined;
  const split = guided && splitsGuidance(c, count);
  // Unguided, joint and split loops of one shape: 2F, 2F + 1 and 2F + 2 (split ones are large, so rarely pooled).
  const key = shapeKey(2 * frames + (guided ? 1 : 0) + (split ? 1 : 0), d.h, d.w);
  const b = pool.take(c.unet, key) ?? makeBuffers(c, guided, split, count, d.h, d.w);
  const batch = rowsOf(b);
  try {
    condition(b, d, frames, count);
    const { plan, control } = d;
    const sample = b.sample.values;
    const total = plan.timesteps.length;
    // Euler's scale_model_input, the EDM c_in = 1/√(σ²+1).
    const cIn = (i: number) => {
      const sigma = plan.sigmas[i] as number;
      return 1 / Math.sqrt(sigma * sigma + 1);
    };
    // Under guidance the step itself writes the next step's scaled latents into `sample` (both rows: the conditional
    // row's noisy half is the same values); otherwise they are scaled in a pass of their own before each step.
    const next: ScaledSampleTarget = { sample, factor: 0, rows: batch };
    let latents = d.latents;
    if (total > 0) scaleIntoSample(latents, cIn(0), sample, batch, frames);
    for (let i = 0; i < total; i++) {
      checkAborted(control);
      if (i > 0 && !d.ramp) scaleIntoSample(latents, cIn(i), sample, batch, frames);
      b.sample.refresh();
      b.timestep.set(plan.timesteps[i] as number);
      next.factor = i + 1 < total ? cIn(i + 1) : 0;
      await unetStep(c, d, b, i, latents, i + 1 < total ? next : undefined);
      const previous = latents;
      latents = b.next.prevSample;
      b.next.prevSample = previous;
      control.progress?.({ stage: "denoise", step: i + 1, total });
    }
    // A large loop's arrays are collected by the caller, once this frame is gone.
    return latents;
  } finally {
    if (pooled(b.sample.values.byteLength)) pool.give(c.unet, key, b);
  }
}

/**
 * Step `i`: the UNet on `b`'s feeds, then (under guidance) the guided Euler update with the next step's input written
 * into `next`, else the scheduler's step; the result goes to `b.next`. The UNet's output is read by then and freed
 * at once when large (`freeNow`, release-outputs.ts): nothing else holds it (Euler keeps no model output between
 * steps), and left to V8 it would outlive the next step's.
 */
async function unetStep(
  c: SvdComponents,
  d: VideoDenoiseInput,
  b: LoopBuffers,
  i: number,
  latents: Float32Array,
  next: ScaledSampleTarget | undefined,
): Promise<void> {
  const sigma = d.plan.sigmas[i] as number;
  // Guidance, the Euler update and the next step's input in one pass (the scheduler is Euler: loadSvd refuses others).
  const guide = (u: Float32Array, v: Float32Array, ramp: Float32Array) =>
    guidedEulerStep(
      c.scheduler.config.predictionType,
      u,
      v,
      latents,
      sigma,
      (d.plan.sigmas[i + 1] as number) - sigma,
      ramp,
      b.next.prevSample,
      next,
    );
  if (b.split && d.ramp) {
    // The run the sample is ready for goes first, so the image-latent half changes once per step, not twice.
    const image = b.split.image;
    const first = await unetRun(c, d, b, image ? b.feeds : b.split.feeds, image);
    const second = await unetRun(c, d, b, image ? b.split.feeds : b.feeds, !image);
    const [unconditional, conditional] = image ? [second, first] : [first, second];
    guide(unconditional.values, conditional.values, d.ramp);
    freeNow([...first.buffers, ...second.buffers]);
    return;
  }
  const { values: v, buffers } = await unetRun(c, d, b, b.feeds);
  if (d.ramp) guide(v.subarray(0, latents.length), v.subarray(latents.length), d.ramp);
  else d.plan.step(v, i, latents, d.noise, b.next);
  freeNow(buffers);
}

/**
 * One UNet run on `feeds`; under split guidance the sample's image-latent half is first made what the run needs
 * (`image`: the image latents, for the conditional run; else zeros), unless it holds that already. Its output as
 * float32, and the buffers to free once read: the float32 output itself, or its float16 bits and their float32 copy.
 */
async function unetRun(
  c: SvdComponents,
  d: VideoDenoiseInput,
  b: LoopBuffers,
  feeds: Record<string, ort.Tensor>,
  image?: boolean,
): Promise<{ values: Float32Array; buffers: ArrayBufferLike[] }> {
  if (b.split && image !== undefined && b.split.image !== image) {
    b.split.image = image;
    const sample = b.sample.values;
    const perFrame = d.latents.length / c.frames;
    for (let f = 0; f < c.frames; f++) {
      const at = (2 * f + 1) * perFrame;
      if (image) sample.set(d.imageLatents, at);
      else sample.fill(0, at, at + perFrame);
    }
    b.sample.refresh();
  }
  const raw = (await d.run("unet", c.unet, feeds, [c.io.unet.output]))[c.io.unet.output];
  const values = readFloats(raw);
  const data = raw?.data;
  return { values, buffers: ArrayBuffer.isView(data) ? [data.buffer, values.buffer] : [values.buffer] };
}
