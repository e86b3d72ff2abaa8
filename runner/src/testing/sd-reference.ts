/**
 * @module What a generation on a tiny model (models/factory/sd-tiny*) must produce, computed in plain TypeScript from
 * the tiny models' known arithmetic and the (separately verified) schedulers — an independent check of the whole
 * pipeline's plumbing: CFG, seeds, timesteps fed, sigma scaling, image-to-image start, SDXL conditioning.
 */
import { join } from "node:path";
import {
  matmul,
  meanRows,
  type TinySdFamily,
  tinySdWeights,
  tinyTextEncoder,
  UNET_GAMMA,
  UNET_K,
  UNET_TAU,
  UNET_TC,
  UNET_TE,
} from "../models/factory/sd-tiny-weights.js";
import { guidanceEmbedding, startStep } from "../pipelines/stable-diffusion/generate.js";
import type { SdJob } from "../pipelines/stable-diffusion/job.js";
import { batchNoise, createScheduler } from "../schedulers/index.js";
import { loadClipTokenizer } from "../tokenizer/index.js";

/** Options of the reference that mirror the model's export variant. */
export interface ReferenceModel {
  dir: string;
  family: TinySdFamily;
  scheduler: Record<string, unknown>;
  /** The UNet takes an int64 timestep (truncated). */
  intTimestep: boolean;
  /** Replace Wk (e.g. with a LoRA merged in). */
  wk?: Float32Array;
  /** Replace the first text encoder's Wq. */
  wq?: Float32Array;
  /** Latents of the init image per image (image-to-image), already scaled. */
  initLatents?: (noise: (n: number) => Float32Array, count: number) => Float32Array;
  /** Width of an LCM UNet's `timestep_cond` (guidance embedded, no negative pass). */
  timestepCond?: number;
}

/**
 * The final latents (before decoding) of `job` on the tiny model.
 *
 * @example
 * const expected = referenceLatents({ dir, family: "sd15", scheduler, intTimestep: true }, job);
 */
export function referenceLatents(m: ReferenceModel, job: SdJob): Float32Array {
  const vocabSize = loadClipTokenizer(join(m.dir, "tokenizer")).vocabSize;
  const w = tinySdWeights(m.family, vocabSize);
  if (m.wq) (w.text[0] as { wq: Float32Array }).wq = m.wq;
  const wk = m.wk ?? w.wk;
  const sdxl = m.family === "sdxl-turbo";
  const tokenizers = (sdxl ? ["tokenizer", "tokenizer_2"] : ["tokenizer"]).map((d) =>
    loadClipTokenizer(join(m.dir, d)),
  );
  const dims = w.dims.textDims;
  const total = dims.reduce((a, b) => a + b, 0);
  const condition = (prompt: string) => {
    const outs = tokenizers.map((t, i) =>
      tinyTextEncoder(w.text[i] as never, t.encode(prompt).ids, dims[i] as number, w.dims.pooledDim),
    );
    const rows = new Float32Array(77 * total);
    for (let r = 0; r < 77; r++) {
      let at = r * total;
      outs.forEach((o, i) => {
        const d = dims[i] as number;
        rows.set((sdxl ? o.h1 : o.h2).subarray(r * d, (r + 1) * d), at);
        at += d;
      });
    }
    const bias = matmul(meanRows(rows, 77, total), wk, 1, total, 4);
    const te = sdxl ? (outs[1]?.textEmbeds as Float32Array) : undefined;
    return { bias, teMean: te ? te.reduce((s, v) => s + v, 0) / te.length : 0 };
  };
  const cfg = job.guidanceScale > 1 && !m.timestepCond;
  const tc = m.timestepCond ? guidanceEmbedding(job.guidanceScale - 1, m.timestepCond) : undefined;
  const tcTerm = tc ? (UNET_TC * tc.reduce((s, v) => s + v, 0)) / tc.length : 0;
  const pos = condition(job.prompt);
  const neg = cfg
    ? sdxl && job.negativePrompt === ""
      ? { bias: new Float32Array(4), teMean: 0 }
      : condition(job.negativePrompt)
    : pos;
  const { width, height } = job.init?.image ?? job;
  const plane = (width / 8) * (height / 8);
  const size = 4 * plane;
  const n = job.numImages;
  const plan = createScheduler(m.scheduler).plan(job.numInferenceSteps);
  const noise = batchNoise(Array.from({ length: n }, (_, i) => job.seed + i));
  let first = 0;
  let x: Float32Array;
  if (job.init && m.initLatents) {
    first = startStep(job.numInferenceSteps, job.init.strength);
    x = plan.addNoise(m.initLatents(noise, n), noise(n * size), first);
  } else {
    x = noise(n * size).map((v) => v * plan.initNoiseSigma);
  }
  const idsSum = sdxl ? 2 * (height + width) : 0;
  for (let i = first; i < plan.timesteps.length; i++) {
    const xin = plan.scaleModelInput(x, i);
    const t = plan.timesteps[i] as number;
    const tt = m.intTimestep ? Math.trunc(t) : t;
    const eps = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const c = Math.floor((k % size) / plane);
      const unet = (cond: { bias: Float32Array; teMean: number }) =>
        UNET_K * (xin[k] as number) +
        (cond.bias[c] as number) +
        UNET_TAU * tt +
        (sdxl ? UNET_TE * cond.teMean + UNET_GAMMA * idsSum : 0) +
        tcTerm;
      const u = unet(neg);
      eps[k] = cfg ? u + job.guidanceScale * (unet(pos) - u) : unet(pos);
    }
    x = plan.step(eps, i, x, noise).prevSample;
  }
  return x;
}
