/**
 * @module The pipeline contract: every registered definition agrees with the spec (its body fields without a default),
 * a definition whose halves disagree on the job or output type does not compile, and a single-call definition runs
 * prepare → one worker call in a slot → respond.
 */

import { RequestValidator } from "@ai-video-subnet/server-kit";
import { describe, expect, expectTypeOf, it } from "vitest";
import { runnerDocument } from "../generated/runner-document.js";
import type { RgbImage } from "../image/decode.js";
import { checkOptionalFields } from "../server/pipeline-route.js";
import { NO_JOB_CONTROL } from "../worker/job-control.js";
import type { BodyOf, Defaulted, SessionContext, WorkerHalf } from "./contract.js";
import { definePipeline } from "./define.js";
import { PIPELINES, pipelineDefinition } from "./index.js";

const imageWorker: WorkerHalf<RgbImage, RgbImage> = {
  load: async () => ({
    provider: "cpu",
    info: {},
    run: async (image) => ({ output: { ...image, width: image.width * 2 } }),
    release: async () => {},
  }),
};

describe("definePipeline", () => {
  it("registers each pipeline under its name, and names them when asked for an unknown one", () => {
    expect(Object.keys(PIPELINES)).toEqual([
      "upscale",
      "video-upscale",
      "frame-interpolation",
      "text-to-image",
      "image-to-image",
      "image-to-video",
    ]);
    for (const [name, p] of Object.entries(PIPELINES)) expect(p.name).toBe(name);
    expect(() => pipelineDefinition("toString")).toThrow(
      'unknown PIPELINE "toString"; this runner serves upscale, video-upscale, frame-interpolation, text-to-image, image-to-image, image-to-video',
    );
  });

  it("declares exactly the body fields the spec gives no default, for every pipeline", async () => {
    const validator = await RequestValidator.create(runnerDocument);
    for (const p of Object.values(PIPELINES)) {
      expect(() => checkOptionalFields(p, validator.operation(p.operationId))).not.toThrow();
    }
    const wrong = definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed", "num_inference_steps"],
      worker: async () => imageWorker,
      prepare: () => ({ job: { width: 1, height: 1, pixels: new Uint8Array(3) }, state: undefined }),
      respond: () => ({ images: [] }),
    });
    expect(() => checkOptionalFields(wrong, validator.operation("genUpscale"))).toThrow(
      "pipeline upscale: the spec's genUpscale body has no default for [seed], but the pipeline declares optional [num_inference_steps, seed]",
    );
  });

  it("runs a single-call definition as prepare → one worker call in a slot → respond", async () => {
    const calls: string[] = [];
    const p = definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed"],
      worker: async () => imageWorker,
      prepare(body) {
        expectTypeOf(body.num_inference_steps).toEqualTypeOf<number>();
        expectTypeOf(body.seed).toEqualTypeOf<number | undefined>();
        calls.push(`prepare ${body.prompt}`);
        return { job: { width: 3, height: 1, pixels: new Uint8Array(9) }, state: { seed: body.seed ?? 7 } };
      },
      respond(image, { seed }) {
        calls.push(`respond ${image.width}`);
        return { images: [{ url: "data:,", seed, nsfw: false }] };
      },
    });
    const worker = await (await p.worker()).load({} as never);
    const ctx = {
      session: async (fn) =>
        fn(async (job) => {
          calls.push("worker call");
          return (await worker.run(job, NO_JOB_CONTROL)).output;
        }, NO_JOB_CONTROL),
    } as SessionContext<unknown, unknown>;
    const reply = await p.handle({ prompt: "x", num_inference_steps: 75 }, ctx);
    expect(reply).toEqual({ images: [{ url: "data:,", seed: 7, nsfw: false }] });
    expect(calls).toEqual(["prepare x", "worker call", "respond 6"]);
  });

  it("types a body with the spec's defaults present", () => {
    type T2I = Defaulted<BodyOf<"genTextToImage">, "seed">;
    expectTypeOf<T2I["height"]>().toEqualTypeOf<number>();
    expectTypeOf<T2I["loras"]>().toEqualTypeOf<string>();
    expectTypeOf<T2I["seed"]>().toEqualTypeOf<number | undefined>();
  });

  it("does not compile when the halves disagree", () => {
    const numberWorker: WorkerHalf<{ n: number }, { m: number }> = {
      load: async () => ({
        provider: "cpu",
        info: {},
        run: async (j) => ({ output: { m: j.n } }),
        release: async () => {},
      }),
    };
    definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed"],
      worker: async () => numberWorker,
      // @ts-expect-error the job `prepare` builds ({n: string}) is not the worker's job type ({n: number})
      prepare: () => ({ job: { n: "1" }, state: 0 }),
      respond: (out) => ({ images: [{ url: "", seed: out.m, nsfw: false }] }),
    });
    definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed"],
      worker: async () => numberWorker,
      // @ts-expect-error the job `prepare` builds lacks the worker job's `n`
      prepare: () => ({ job: {}, state: 0 }),
      respond: () => ({ images: [] }),
    });
    definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed"],
      worker: async () => numberWorker,
      prepare: () => ({ job: { n: 1 }, state: 0 }),
      // @ts-expect-error the worker's output has no `width`
      respond: (out) => ({ images: [{ url: "", seed: out.width, nsfw: false }] }),
    });
    definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      optional: ["seed"],
      worker: async () => numberWorker,
      async handle(_body, ctx) {
        const m = await ctx.session(async (run) => (await run({ n: 1 })).m);
        expectTypeOf(m).toEqualTypeOf<number>();
        // @ts-expect-error a worker call takes the worker's job type
        await ctx.session((run) => run({ n: "1" }));
        return { images: [] };
      },
    });
    definePipeline({
      name: "upscale",
      operationId: "genUpscale",
      // @ts-expect-error not a field of the upscale body
      optional: ["strength"],
      worker: async () => numberWorker,
      prepare: () => ({ job: { n: 1 }, state: 0 }),
      respond: () => ({ images: [] }),
    });
    expect(true).toBe(true);
  });
});
