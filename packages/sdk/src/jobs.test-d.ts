/** Type-level tests: a job's options and result are its pipeline's, and its events and Job are the spec's. */
import { describe, expectTypeOf, it } from "vitest";
import { createClient } from "./client.js";
import type { components } from "./generated/gateway.js";
import type { Job, JobEvent, JobHandle, JobProgress } from "./jobs.js";
import type { ImageResponse, UpscaleOptions } from "./options.js";

const client = createClient({ baseUrl: "http://127.0.0.1:8937" });

describe("jobs", () => {
  it("takes the pipeline's options and resolves to its result", () => {
    expectTypeOf(client.submit<"upscale">)
      .parameter(1)
      .toEqualTypeOf<UpscaleOptions>();
    expectTypeOf(client.submit("upscale", { modelId: "m", prompt: "", image: new Blob() })).resolves.toEqualTypeOf<
      JobHandle<"upscale">
    >();
    expectTypeOf<ReturnType<JobHandle<"textToImage">["wait"]>>().resolves.toEqualTypeOf<ImageResponse>();
    // @ts-expect-error image is required for an upscale
    void client.submit("upscale", { modelId: "m", prompt: "" });
    // @ts-expect-error no such pipeline
    void client.submit("videoToText", { modelId: "m" });
  });

  it("uses the spec's Job and progress, and tells events apart by type", () => {
    expectTypeOf<Job>().toEqualTypeOf<components["schemas"]["Job"]>();
    expectTypeOf<Job["status"]>().toEqualTypeOf<"queued" | "running" | "succeeded" | "failed" | "cancelled">();
    expectTypeOf<Extract<JobEvent, { type: "progress" }>["progress"]>().toEqualTypeOf<JobProgress>();
    expectTypeOf<Extract<JobEvent, { type: "result" }>["job"]>().toEqualTypeOf<Job>();
  });
});
