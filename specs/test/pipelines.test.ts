/**
 * @module The `x-avs-pipeline` extension and the `PIPELINES` table avs-codegen makes of it: the five pipelines as
 * every layer sees them, the three specs agreeing, a new pipeline (a video one) dropping in, and clear errors when
 * the extension does not fit its operation.
 */
import { describe, expect, it } from "vitest";
import {
  FRAME_INTERPOLATION,
  TEXT_TO_IMAGE,
  UPSCALE,
  VIDEO_UPSCALE,
} from "../../packages/server-kit/test/spec-recipes.js";
// @ts-expect-error: a plain JavaScript module of the code generator, without type declarations
import { pipelinesTable } from "../scripts/pipelines.mjs";
import { loadSpec, type OpenApiDocument, type SpecName } from "../src/index.js";

interface Entry {
  pipeline: string;
  operationId: string;
  clientMethod: string;
  body: string;
  fields: string[];
  files: Record<string, string>;
  units: Record<string, unknown>;
  response: string;
}

const table = (doc: OpenApiDocument, spec = "test"): Entry[] => pipelinesTable(doc, spec);

describe.each<SpecName>(["runner", "orchestrator", "gateway"])("the %s spec's PIPELINES", (name) => {
  it("has the six pipelines with their routes, bodies, files, units and answers", async () => {
    const entries = table(await loadSpec(name), name);
    expect(entries.map((e) => [e.pipeline, e.operationId, e.clientMethod, e.body, e.files, e.response])).toEqual([
      ["text-to-image", "genTextToImage", "textToImage", "json", {}, "images"],
      ["image-to-image", "genImageToImage", "imageToImage", "multipart", { image: "image" }, "images"],
      [
        "image-to-video",
        "genImageToVideo",
        "imageToVideo",
        "multipart",
        { image: "image" },
        name === "runner" ? "frames" : "images",
      ],
      ["upscale", "genUpscale", "upscale", "multipart", { image: "image" }, "images"],
      ["video-upscale", "genVideoUpscale", "videoUpscale", "multipart", { video: "video" }, "images"],
      [
        "frame-interpolation",
        "genFrameInterpolation",
        "frameInterpolation",
        "multipart",
        { video: "video", first_image: "image", last_image: "image" },
        "images",
      ],
    ]);
    expect(entries[2]!.units).toEqual({ pixels: ["width", "height"], frames: 25, steps: "num_inference_steps" });
    // The server kit's work-units tests count with these recipes: they must be the specs' own.
    expect(entries[0]!.units).toEqual(TEXT_TO_IMAGE.units);
    expect(entries[3]!.units).toEqual(UPSCALE.units);
    expect(entries[3]!.fields).toEqual(["prompt", "image", "model_id", "safety_check", "seed", "num_inference_steps"]);
    expect(entries[4]!.units).toEqual(VIDEO_UPSCALE.units);
    expect(entries[4]!.fields).toEqual(["video", "model_id", "seed"]);
    expect(entries[5]!.units).toEqual(FRAME_INTERPOLATION.units);
    expect(entries[5]!.fields).toEqual([
      "video",
      "first_image",
      "last_image",
      "source_fps",
      "output_fps",
      "multiplier",
      "times_to_interpolate",
      "model_id",
      "seed",
    ]);
  });
});

describe("a new pipeline", () => {
  it("drops in from the spec alone: a video input, counted as pixels × frames, answered with the mp4", async () => {
    const doc = structuredClone(await loadSpec("gateway"));
    doc.paths["/video-restyle"] = {
      post: {
        operationId: "genVideoRestyle",
        summary: "Video Restyle",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["video", "model_id"],
                properties: {
                  video: { type: "string", format: "binary" },
                  model_id: { type: "string" },
                  seed: { type: "integer" },
                },
              },
            },
          },
        },
        responses: { "200": { description: "the mp4", content: { "video/mp4": { schema: { type: "string" } } } } },
        "x-avs-pipeline": { files: { video: "video" }, units: { pixels: "video", frames: "video" } },
      },
    };
    expect(table(doc).at(-1)).toEqual({
      pipeline: "video-restyle",
      operationId: "genVideoRestyle",
      path: "/video-restyle",
      clientMethod: "videoRestyle",
      body: "multipart",
      fields: ["video", "model_id", "seed"],
      files: { video: "video" },
      units: { pixels: "video", frames: "video" },
      response: "video",
      summary: "Video Restyle",
    });
  });
});

describe("a wrong extension", () => {
  async function withExtension(ext: unknown, path = "/upscale", method = "post") {
    const doc = structuredClone(await loadSpec("gateway"));
    (doc.paths[path]![method] as Record<string, unknown>)["x-avs-pipeline"] = ext;
    return () => table(doc, "gateway");
  }

  it.each([
    [{ files: {}, units: { pixels: "image" } }, "files: the file field image is missing"],
    [
      { files: { image: "audio" }, units: { pixels: "image" } },
      "files.image: the media kind must be image or video, got audio",
    ],
    [
      { files: { image: "image", mask: "image" }, units: { pixels: "image" } },
      "files.mask: the request has no file field mask",
    ],
    [{ files: { image: "image" }, units: { pixels: "prompt" } }, "units.pixels: prompt is not a file field"],
    [
      { files: { image: "image" }, units: { pixels: "image", steps: "prompt" } },
      "units.steps: prompt is not a numeric field of the request",
    ],
    [
      { files: { image: "image" }, units: { pixels: ["seed"] } },
      "units.pixels must be a file field, a list of alternative file fields, or [width field, height field]",
    ],
    [
      { files: { image: "image" }, units: { pixels: ["image", "prompt"] } },
      "units.pixels: image is not a numeric field of the request",
    ],
    [
      { files: { image: "image" }, units: { pixels: "image", frames: 0 } },
      "units.frames: a constant must be an integer ≥ 1, got 0",
    ],
    [{ files: { image: "image" }, units: { pixels: "image", time: "seed" } }, "units: unknown keys time"],
    [
      { files: { image: "image" }, units: { pixels: "image", rate: { multiplier: "seed" } } },
      "units.rate needs units.frames to be a video file field",
    ],
    [{ files: { image: "image" } }, "needs units"],
  ])("%j → %s", async (ext, message) => {
    expect(await withExtension(ext)).toThrow(`gateway.yaml POST /upscale: x-avs-pipeline ${message}`);
  });

  it("refuses a rate role it does not know, and a rate field that is not numeric", async () => {
    const files = { video: "video", first_image: "image", last_image: "image" };
    const units = { pixels: ["video", "first_image"], frames: "video" };
    const where = "gateway.yaml POST /frame-interpolation: x-avs-pipeline";
    const speed = await withExtension(
      { files, units: { ...units, rate: { speed: "output_fps" } } },
      "/frame-interpolation",
    );
    expect(speed).toThrow(
      `${where} units.rate: unknown role speed (one of output_fps, multiplier, times_to_interpolate, source_fps)`,
    );
    const model = await withExtension(
      { files, units: { ...units, rate: { multiplier: "model_id" } } },
      "/frame-interpolation",
    );
    expect(model).toThrow(`${where} units.rate.multiplier: model_id is not a numeric field of the request`);
  });

  it("is refused on anything but a POST", async () => {
    expect(await withExtension({ files: {}, units: { pixels: ["w", "h"] } }, "/health", "get")).toThrow(
      "gateway.yaml GET /health: x-avs-pipeline is only allowed on POST operations",
    );
  });
});
