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
import { modelPath } from "../models/layout.js";
import { generate } from "../pipelines/stable-diffusion/generate.js";
import type { SdJob } from "../pipelines/stable-diffusion/job.js";
import { loadSd } from "../pipelines/stable-diffusion/sd-worker.js";
import { createAbortFlag, FlagJobControl } from "../worker/job-control.js";
import { benchFlags, THREADS } from "./flags.js";
import {
  COMMON_FLAGS,
  collector,
  modelsFor,
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
  --size <px>            [64] image side, 8 or more
  --steps <n>            [4] num_inference_steps, 1 or more
  --guidance <g>         [7.5] guidance_scale (> 1 runs the UNet on [negative, positive])
  --images <n>           [1] num_images_per_prompt, 1 or more
  --strength <s>         [0.75] image-to-image strength, 0-1
  --safety-check <b>     [true] true or false: run the model's safety checker when it has one
  --runs <n>             [500] timed requests for the time comparison, 1 or more
  --warmup <n>           [200] requests first, reported apart: V8 optimises the pipeline's code over the first
                         few hundred requests, and a runner serves many more than that
  --requests <n>         [100] requests of the memory phase, 10 or more (memory is read after #10, half-way, at the end)
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
  const f = benchFlags(args, KNOWN);
  const pipeline = f.choice("PIPELINE", ["text-to-image", "image-to-image"], "text-to-image");
  const modelId = f.text("MODEL_ID") ?? "tiny/sd15";
  const size = f.int("SIZE", 64, { min: 8 });
  const o = {
    steps: f.int("STEPS", 4, { min: 1 }),
    guidance: f.decimal("GUIDANCE", 7.5),
    images: f.int("IMAGES", 1, { min: 1 }),
    strength: f.decimal("STRENGTH", 0.75, { max: 1 }),
  };
  const safetyCheck = f.choice("SAFETY_CHECK", ["true", "false"], "true") === "true";
  const runs = f.int("RUNS", 500, { min: 1 });
  const warmup = f.int("WARMUP", 200);
  const requests = f.int("REQUESTS", 100, { min: 10, why: "memory is read after request 10, half-way and at the end" });
  const threads = f.int("INTRA_OP_THREADS", 0, THREADS);
  const json = f.text("JSON");
  const models = await modelsFor(
    modelId,
    f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models",
    "model_index.json",
  );
  const gc = collector();
  const sd = await loadSd({
    modelId,
    modelPath: modelPath(models.dir, modelId),
    executionProvider: "cpu",
    intraOpThreads: threads,
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
      safetyCheck,
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
    if (json) {
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
      await writeFile(json, `${JSON.stringify(out, null, 2)}\n`);
      console.log(`wrote ${json}`);
    }
  } finally {
    await sd.release();
    await models.cleanup();
  }
}
