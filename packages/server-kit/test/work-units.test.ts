/** @module Work units from the spec's recipe: pixels × frames × steps × images, files sized from their headers. */
import { describe, expect, it } from "vitest";
import { encodePng, FALLBACK_PIXELS, type MediaMeasure, workUnits } from "../src/index.js";

const textToImage = {
  files: {},
  units: { pixels: ["width", "height"], steps: "num_inference_steps", images: "num_images_per_prompt" },
} as const;
const upscale = { files: { image: "image" }, units: { pixels: "image", steps: "num_inference_steps" } } as const;
const videoUpscale = { files: { video: "video" }, units: { pixels: "video", frames: "video" } } as const;

describe("workUnits", () => {
  it("counts output pixels × steps × images from fields", async () => {
    const body = { width: 512, height: 256, num_inference_steps: 4, num_images_per_prompt: 3 };
    expect(await workUnits(textToImage, body)).toBe(512 * 256 * 4 * 3);
  });

  it("counts a constant frame count when the model, not the request, decides it (image-to-video)", async () => {
    const imageToVideo = {
      files: { image: "image" },
      units: { pixels: ["width", "height"], frames: 25, steps: "num_inference_steps" },
    } as const;
    expect(await workUnits(imageToVideo, { width: 1024, height: 576, num_inference_steps: 25 })).toBe(
      1024 * 576 * 25 * 25,
    );
  });

  it("counts an input image's pixels from its header", async () => {
    const image = new Blob([encodePng(40, 30, new Uint8Array(40 * 30 * 3))]);
    expect(await workUnits(upscale, { image, num_inference_steps: 2 })).toBe(40 * 30 * 2);
  });

  it("counts missing, unreadable or non-numeric factors as the fallback or 1", async () => {
    expect(await workUnits(textToImage, { width: "512", height: 512 })).toBe(FALLBACK_PIXELS);
    expect(await workUnits(upscale, { image: new Blob(["not an image"]), num_inference_steps: 0 })).toBe(
      FALLBACK_PIXELS,
    );
    expect(await workUnits(upscale, {})).toBe(FALLBACK_PIXELS);
  });

  it("counts a video's pixels × frames with the caller's probe, each file measured once", async () => {
    const calls: string[] = [];
    const probe: MediaMeasure = async (_file, kind) => {
      calls.push(kind);
      return { width: 64, height: 32, frames: 48 };
    };
    expect(await workUnits(videoUpscale, { video: new Blob(["mp4"]) }, probe)).toBe(64 * 32 * 48);
    expect(calls).toEqual(["video"]);
    expect(await workUnits(videoUpscale, { video: new Blob(["mp4"]) })).toBe(FALLBACK_PIXELS);
  });
});
