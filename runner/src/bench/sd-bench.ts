/**
 * @module `avs-runner bench --pipeline text-to-image|image-to-image`: runs a Stable Diffusion model in this process
 * and compares each request's wall time with the summed `session.run` time of its components (text encoders, UNet
 * steps, VAE, safety checker) — everything else the pipeline does (tokenising, noise, scheduler arithmetic, tensor
 * conversion) is the overhead (target ≤ 5 %). The pixel work that runs inside ONNX Runtime counts as session.run:
 * the VAE's conversions between 8-bit RGB and floats (added to its graphs by `withRgbPixels`) and the safety checker's input
 * preparation (its own session, `safety_preprocess`). It also replays one request's `session.run` calls with their
 * recorded inputs back to back: the floor any pipeline making the same calls would reach. Then it runs
 * `--requests` more and reports RSS and heap after GC at checkpoints, to show memory stays flat.
 */
import { writeFile } from "node:fs/promises";
import { parseFlags } from "../config.js";
import { modelPath } from "../models/layout.js";
import { generate } from "../pipelines/stable-diffusion/generate.js";
import type { SdJob } from "../pipelines/stable-diffusion/job.js";
import { loadSd } from "../pipelines/stable-diffusion/sd-worker.js";
import { createAbortFlag, FlagJobControl } from "../worker/job-control.js";
import {
  COMMON_FLAGS,
  collector,
  modelsFor,
  numberFlags,
  recorder,
  replay,
  reportTimings,
  round,
  timeRequests,
} from "./pipeline-bench.js";

/** Flags of the SD benchmark (see `avs-runner bench --pipeline text-to-image --help`). */
export const SD_BENCH_HELP = `avs-runner bench --pipeline text-to-image|image-to-image — Stable Diffusion pipeline time vs summed session.run

session.run includes the pixel work done inside ONNX Runtime: the VAE decoder's float → 8-bit RGB conversion
(appended to its graph unless its weights are external) and the safety checker's input preparation (resize,
crop, normalise: the safety_preprocess session). Everything else (tokenising, noise, scheduler, tensors) is
"outside ONNX Runtime".

Flags (defaults in brackets):
  --pipeline <p>         text-to-image or image-to-image
  --model-id <id>        [tiny/sd15] installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>      [MODEL_DIR or /models]
  --size <px>            [64] image side
  --steps <n>            [4] num_inference_steps
  --guidance <g>         [7.5] guidance_scale (> 1 runs the UNet on [negative, positive])
  --images <n>           [1] num_images_per_prompt
  --strength <s>         [0.75] image-to-image strength
  --safety-check <b>     [true] run the model's safety checker when it has one
  --runs <n>             [500] timed requests for the time comparison
  --warmup <n>           [200] requests first, reported apart: V8 optimises the pipeline's code over the first
                         few hundred requests, and a runner serves many more than that
  --requests <n>         [100] requests of the memory phase
  --intra-op-threads <n> [0] ONNX Runtime threads (0 = one per core)
  --json <file>          also write the results as JSON
`;

const KNOWN = [...COMMON_FLAGS, "SIZE", "GUIDANCE", "IMAGES", "STRENGTH", "SAFETY_CHECK", "REQUESTS"];

/**
 * Runs the SD benchmark.
 *
 * @example
 * await sdBenchMain(["--pipeline", "text-to-image", "--model-id", "tiny/sdxl-turbo", "--guidance", "0"]);
 */
export async function sdBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(SD_BENCH_HELP);
  const f = parseFlags(args, KNOWN);
  const num = numberFlags(f);
  const pipeline = f.PIPELINE ?? "text-to-image";
  if (pipeline !== "text-to-image" && pipeline !== "image-to-image")
    throw new Error("--pipeline must be text-to-image or image-to-image here");
  const modelId = f.MODEL_ID ?? "tiny/sd15";
  const size = num("SIZE", 64);
  const o = {
    steps: num("STEPS", 4),
    guidance: num("GUIDANCE", 7.5),
    images: num("IMAGES", 1),
    strength: num("STRENGTH", 0.75),
  };
  const runs = Math.max(1, num("RUNS", 500));
  const warmup = num("WARMUP", 200);
  const requests = Math.max(10, num("REQUESTS", 100));
  const models = await modelsFor(modelId, f.MODEL_DIR ?? process.env.MODEL_DIR ?? "/models", "model_index.json");
  const gc = collector();
  const sd = await loadSd({
    modelId,
    modelPath: modelPath(models.dir, modelId),
    executionProvider: "cpu",
    intraOpThreads: num("INTRA_OP_THREADS", 0),
    options: {},
    log: () => {},
  });
  try {
    const pixels = Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 31) % 256);
    const job = (seed: number): SdJob => ({
      prompt: "a photo of a red house on mars",
      negativePrompt: "blue",
      guidanceScale: o.guidance,
      numInferenceSteps: o.steps,
      numImages: o.images,
      seed,
      width: size,
      height: size,
      safetyCheck: f.SAFETY_CHECK !== "false",
      loras: [],
      ...(pipeline === "image-to-image"
        ? { init: { image: { width: size, height: size, pixels }, strength: o.strength } }
        : {}),
    });
    // The control the worker gives a job: its abort flag is read before every step, its progress reported after
    // (here into a reused object, as the worker refills the one message it posts).
    const reported = { stage: "", step: 0, total: 0 };
    const control = new FlagJobControl(createAbortFlag(), (p) => {
      reported.stage = p.stage;
      reported.step = p.step;
      reported.total = p.total;
    });
    const timings = await timeRequests(
      warmup,
      runs,
      async (i) => (await generate(sd.components, job(i), control)).result.sessionMs,
    );
    // The floor: one request's session.run calls, recorded with their inputs and replayed back to back — what any
    // pipeline making the same calls costs, with no work of its own between them.
    const { calls, observe } = recorder();
    await generate(sd.components, job(999), control, observe);
    const floor = await replay(calls, runs);
    const memory: { after: number; rss_mb: number; heap_mb: number }[] = [];
    const mb = (b: number) => round(b / 1024 / 1024, 1);
    for (let i = 1; i <= requests; i++) {
      await generate(sd.components, job(5000 + i), control);
      if (i === 10 || i === Math.round(requests / 2) || i === requests) {
        gc();
        const m = process.memoryUsage();
        memory.push({ after: i, rss_mb: mb(m.rss), heap_mb: mb(m.heapUsed) });
      }
    }
    const first = memory[0] as (typeof memory)[number];
    const last = memory.at(-1) as (typeof memory)[number];
    console.log(
      `benchmarking ${pipeline} on ${modelId}: ${size}×${size}, ${o.steps} steps, guidance ${o.guidance}, ${o.images} image(s), ${runs} runs after ${warmup} warm-up`,
    );
    const timing = reportTimings(timings, calls.length, floor);
    console.log(
      `memory after GC over ${requests} requests: ${memory.map((m) => `#${m.after}: RSS ${m.rss_mb} MB, heap ${m.heap_mb} MB`).join("; ")}`,
    );
    console.log(
      `growth from #${first.after} to #${last.after}: RSS ${round(last.rss_mb - first.rss_mb, 1)} MB, heap ${round(last.heap_mb - first.heap_mb, 1)} MB`,
    );
    if (f.JSON) {
      const out = {
        pipeline,
        model_id: modelId,
        size,
        ...o,
        runs,
        warmup,
        ...timing,
        memory,
      };
      await writeFile(f.JSON, `${JSON.stringify(out, null, 2)}\n`);
      console.log(`wrote ${f.JSON}`);
    }
  } finally {
    await sd.release();
    await models.cleanup();
  }
}
