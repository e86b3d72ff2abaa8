/**
 * @module The denoising loop: at each step, the scheduler-scaled latents go to the UNet (as [x; x] under classifier-free
 * guidance), ε = ε_u + g·(ε_c − ε_u) combines the two halves, and the scheduler steps. Its arrays and tensors are made
 * once per UNet and shape and lent to one request at a time, so a step allocates nothing in JavaScript; the job's
 * abort flag is read (one `Atomics.load`) before each step and one reused progress object reports it after; the
 * latents are checked for NaN, infinities and overflowed magnitudes after each step (one pass over them).
 */
import type * as ort from "onnxruntime-node";
import { peakMagnitude } from "../../internal/finite.js";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import type { NoiseSource, SchedulePlan, StepResult } from "../../schedulers/index.js";
import type { JobControl } from "../contract.js";
import {
  type ReusedFloatTensor,
  type ReusedTimestepTensor,
  readFloats,
  reusedFloatTensor,
  reusedTimestepTensor,
  type ValueInfo,
} from "./session-io.js";
import type { TimedRun } from "./vae.js";

/**
 * The largest |latent| a denoising step may leave. SD latents (VAE latents × the scaling factor) of real images are a
 * few units, and the starting noise's σ is at most ~15; a thousand times more decodes to saturated pixels only.
 */
export const LATENT_LIMIT = 1e4;

/**
 * A step left NaN, an infinity or a value past {@link LATENT_LIMIT} in the latents: the UNet overflowed. `generate`
 * says what the likely cause is.
 * @example if (err instanceof LatentOverflowError) err.step; // 1-based
 */
export class LatentOverflowError extends Error {
  override name = "LatentOverflowError";
  constructor(
    readonly step: number,
    readonly total: number,
    readonly peak: number,
  ) {
    super(
      `the model's output overflowed at denoising step ${step} of ${total} (latents reached ${peak.toPrecision(3)}; ` +
        `images need a few units, ${LATENT_LIMIT} at most)`,
    );
  }
}

/** What one denoising run needs. */
export interface DenoiseInput {
  unet: ort.InferenceSession;
  sampleInfo: ValueInfo;
  timestepInfo: ValueInfo;
  plan: SchedulePlan;
  /** Index of the first step (image-to-image starts later). */
  first: number;
  /** The starting latents, [images, 4, h, w]: the loop takes them over (it writes to them or keeps them for reuse). */
  latents: Float32Array;
  noise: NoiseSource;
  /**
   * The UNet's other inputs (text conditioning, SDXL's `text_embeds`/`time_ids`, LCM's `timestep_cond`): the loop
   * adds `sample` and `timestep` to this object and feeds it at every step.
   */
  conditioning: Record<string, ort.Tensor>;
  /** The guidance scale when the UNet runs on [negative; positive], else undefined. */
  guidance: number | undefined;
  images: number;
  h: number;
  w: number;
  run: TimedRun;
  /** Checked before every step (a cancelled job stops there); told of every finished step (stage `denoise`). */
  control: JobControl;
}

/** The arrays and tensors of one loop shape. */
interface LoopBuffers {
  /** The UNet's `sample`: [x; x] under guidance, x otherwise. */
  sample: ReusedFloatTensor;
  /** The part of `sample` the scheduler's scaled input is written to. */
  scaled: Float32Array;
  timestep: ReusedTimestepTensor;
  /** ε after guidance. */
  guided: Float32Array | undefined;
  /** The step's results; `prevSample` swaps with the current latents after every step. */
  next: StepResult;
}

const pool = new ShapePool<LoopBuffers>();

function makeBuffers(d: DenoiseInput, batch: number, count: number): LoopBuffers {
  const sample = reusedFloatTensor(d.sampleInfo, new Float32Array(batch * 4 * d.h * d.w), [batch, 4, d.h, d.w]);
  return {
    sample,
    scaled: sample.values.subarray(0, count),
    timestep: reusedTimestepTensor(d.timestepInfo, batch),
    guided: d.guidance === undefined ? undefined : new Float32Array(count),
    next: { prevSample: new Float32Array(count), predOriginal: new Float32Array(count) },
  };
}

/**
 * Runs steps `first` … end of the plan and returns the final latents, which belong to the caller.
 *
 * @example
 * const latents = await denoise({ unet, sampleInfo, timestepInfo, plan, first: 0, latents: x, noise, conditioning,
 *   guidance: 7.5, images: 1, h: 8, w: 8, run, control });
 */
export async function denoise(d: DenoiseInput): Promise<Float32Array> {
  const count = d.latents.length;
  const batch = d.guidance === undefined ? d.images : 2 * d.images;
  // Keyed by the image count and whether guidance runs, not by the UNet batch: one image with guidance and two
  // without share a batch of 2 but not their buffers.
  const key = shapeKey(2 * d.images + (d.guidance === undefined ? 0 : 1), d.h, d.w);
  const b = pool.take(d.unet, key) ?? makeBuffers(d, batch, count);
  try {
    const feeds = d.conditioning;
    feeds.sample = b.sample.tensor;
    feeds.timestep = b.timestep.tensor;
    const { plan } = d;
    const outputName = d.unet.outputNames[0] as string;
    const { control } = d;
    const progress = { stage: "denoise", step: 0, total: plan.timesteps.length - d.first };
    let latents = d.latents;
    for (let i = d.first; i < plan.timesteps.length; i++) {
      control.throwIfAborted();
      plan.scaleModelInput(latents, i, b.scaled);
      if (b.guided) b.sample.values.copyWithin(count, 0, count);
      b.sample.refresh();
      b.timestep.set(plan.timesteps[i] as number);
      const out = await d.run("unet", d.unet, feeds);
      const raw = readFloats(out[outputName]);
      const eps = b.guided ? guide(raw, d.guidance as number, b.guided) : raw;
      plan.step(eps, i, latents, d.noise, b.next);
      // The step's output becomes the latents; the array they were in takes the next step's output.
      const previous = latents;
      latents = b.next.prevSample;
      b.next.prevSample = previous;
      progress.step++;
      // An overflowing UNet (a LoRA's huge values, damaged weights) would otherwise decode to a solid-colour image.
      const peak = peakMagnitude(latents);
      if (!(peak <= LATENT_LIMIT)) throw new LatentOverflowError(progress.step, progress.total, peak);
      control.progress(progress);
    }
    return latents;
  } finally {
    pool.give(d.unet, key, b);
  }
}

/** ε_u + g·(ε_c − ε_u) over a [uncond; cond] batch whose halves are each `out.length` values, into `out`. */
function guide(eps: Float32Array, g: number, out: Float32Array): Float32Array {
  const half = out.length;
  for (let i = 0; i < half; i++) {
    const u = eps[i] as number;
    out[i] = u + g * ((eps[half + i] as number) - u);
  }
  return out;
}
