/**
 * @module Work units of a job as the gateway counts them from the spec's generated table: frame interpolation counts
 * its output frames (what FILM computes), the image-to-video → FILM chain counts both of its stages, and an
 * upload held in memory is measured from its first bytes without being made a File.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { encodePng, RequestValidator, typedRoutes, UploadedPart } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { operations } from "../src/generated/gateway.js";
import { gatewayDocument } from "../src/generated/gateway-document.js";
import { PIPELINES } from "../src/generated/gateway-pipelines.js";
import { type Job, jobOf } from "../src/jobs/job.js";

/** 14 frames at 7 fps (2 s) of 64×48, H.264 in MP4, made by the system's ffmpeg. */
async function clip(): Promise<Blob> {
  const dir = await mkdtemp(join(tmpdir(), "avs-job-units-"));
  try {
    const out = join(dir, "clip.mp4");
    await promisify(execFile)("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=7", "-frames:v", "14"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out],
    ]);
    return new Blob([await readFile(out)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("job units", () => {
  it("counts frame interpolation by its output frames × pixels, for output_fps and multiplier", async () => {
    const video = await clip();
    const fi = PIPELINES["frame-interpolation"];
    const base = { model_id: "tiny/film", video, source_fps: 1 };
    expect((await jobOf(fi, { ...base, output_fps: 24 }, "r1", {})).units).toBe(64 * 48 * 48);
    expect((await jobOf(fi, { ...base, multiplier: 2 }, "r2", {})).units).toBe(64 * 48 * 28);
    expect((await jobOf(fi, { ...base, times_to_interpolate: 1 }, "r3", {})).units).toBe(64 * 48 * 27);
  });

  it("counts the image-to-video → FILM chain as both stages: SVD-XT's 25 frames × steps, then FILM's output", async () => {
    const i2v = PIPELINES["image-to-video"];
    const body = { model_id: "svd", width: 64, height: 64, fps: 6, num_inference_steps: 2 };
    const plain = await jobOf(i2v, body, "r4", {});
    expect(plain.units).toBe(64 * 64 * 25 * 2);
    const chain = await jobOf(i2v, { ...body, output_fps: 24 }, "r5", {});
    // 25 frames at 6 fps last 25 / 6 s; at 24 fps that is 100 frames.
    expect(chain.units).toBe(64 * 64 * 25 * 2 + 64 * 64 * 100);
    expect(chain.alsoNeeds).toEqual({ pipeline: "frame-interpolation", modelId: undefined });
  });

  it("measures an upload held in memory from its head, without building a File of it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-job-units-"));
    try {
      const validator = await RequestValidator.create(gatewayDocument, { keepMultipart: { dir } });
      const app = new Hono();
      let job: Job | undefined;
      let built = 0;
      typedRoutes<operations>(app, validator)("genUpscale", (async (body: Record<string, unknown>) => {
        const file = vi.spyOn(UploadedPart.prototype, "file");
        job = await jobOf(PIPELINES.upscale, body, "r6", {});
        built = file.mock.calls.length;
        file.mockRestore();
        // The field still reads as the File the client sent.
        return { images: [], size: (body.image as File).size };
      }) as never);
      const png = encodePng(40, 30, new Uint8Array(40 * 30 * 3));
      const form = new FormData();
      form.append("model_id", "m");
      form.append("prompt", "");
      form.append("num_inference_steps", "3");
      form.append("image", new Blob([png], { type: "image/png" }), "in.png");
      const res = await app.request("/upscale", { method: "POST", body: form });
      expect(await res.json()).toEqual({ images: [], size: png.length });
      expect(job?.units).toBe(40 * 30 * 3);
      expect(built).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
