/**
 * @module The work units of a benchmark job are the broadcaster's: server-kit's `workUnits` on the body the bench
 * sends, frames included (image-to-video counts width × height × 25 frames × steps).
 */
import { workUnits } from "@ai-video-subnet/server-kit";
import { describe, expect, it } from "vitest";
import { jobRequest, PIPELINES } from "../src/workload/job-request.js";

/** The multipart body as the broadcaster's validator hands it on: numeric fields as numbers, files as Blobs. */
function formBody(form: FormData): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) body[k] = typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  return body;
}

describe("jobRequest units", () => {
  it("counts image-to-video's frames, as server-kit's workUnits does for the same body", async () => {
    const req = await jobRequest({ pipeline: "image-to-video", modelId: "m", size: 64, steps: 2, prompt: "" });
    const sent = formBody(req.body().body as FormData);
    expect(sent).toMatchObject({ width: 64, height: 64, num_inference_steps: 2 });
    expect(sent.image).toBeInstanceOf(Blob);
    expect(req.units).toBe(await workUnits(PIPELINES["image-to-video"], sent));
    expect(req.units).toBe(64 * 64 * 25 * 2);
  });

  it("counts the input picture of image pipelines and the images of a batch", async () => {
    const up = await jobRequest({ pipeline: "upscale", modelId: "m", size: 32, steps: 1, prompt: "" });
    expect(up.units).toBe(await workUnits(PIPELINES.upscale, formBody(up.body().body as FormData)));
    expect(up.units).toBe(32 * 32);
    const t2i = await jobRequest({
      pipeline: "text-to-image",
      modelId: "m",
      size: 16,
      steps: 3,
      prompt: "",
      images: 2,
    });
    expect(t2i.units).toBe(await workUnits(PIPELINES["text-to-image"], JSON.parse(t2i.body().body as string)));
    expect(t2i.units).toBe(16 * 16 * 3 * 2);
  });
});
