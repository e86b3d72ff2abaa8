/** @module The aiModels.json parser: Livepeer files accepted as is; every bad entry named with what is allowed. */
import { describe, expect, it } from "vitest";
import { parseAiModels } from "./ai-models.js";

const PIPELINES = ["text-to-image", "image-to-image", "image-to-video", "upscale"];
const parse = (v: unknown) => parseAiModels(v, PIPELINES);

describe("parseAiModels", () => {
  it("accepts a Livepeer aiModels.json as is, with defaults and string numbers", () => {
    const { entries, warnings } = parse([
      { pipeline: "text-to-image", model_id: "ByteDance/SDXL-Lightning", price_per_unit: 4768371, warm: true },
      {
        pipeline: "upscale",
        model_id: "stabilityai/stable-diffusion-x4-upscaler",
        price_per_unit: "0.5e-11",
        pixels_per_unit: "1",
        currency: "USD",
        optimization_flags: { SFAST: true, DEEPCACHE: false },
      },
      { pipeline: "image-to-video", model_id: "svd", url: "http://gpu-box:8000/", token: "t", capacity: 3 },
    ]);
    expect(warnings).toEqual([]);
    expect(entries).toEqual([
      {
        index: 0,
        pipeline: "text-to-image",
        modelId: "ByteDance/SDXL-Lightning",
        warm: true,
        capacity: 1,
        pricePerUnit: 4768371,
        pixelsPerUnit: 1,
        optimizationFlags: {},
      },
      {
        index: 1,
        pipeline: "upscale",
        modelId: "stabilityai/stable-diffusion-x4-upscaler",
        warm: false,
        capacity: 1,
        pricePerUnit: 0.5e-11,
        pixelsPerUnit: 1,
        optimizationFlags: { SFAST: "true", DEEPCACHE: "false" },
      },
      {
        index: 2,
        pipeline: "image-to-video",
        modelId: "svd",
        warm: false,
        capacity: 3,
        pricePerUnit: 0,
        pixelsPerUnit: 1,
        url: "http://gpu-box:8000",
        token: "t",
        optimizationFlags: {},
      },
    ]);
  });

  it("takes an entry listed twice at the same price (two runners), and flags an external runner's own runner sets", () => {
    const { entries } = parse([
      { pipeline: "upscale", model_id: "a", price_per_unit: 1, warm: true },
      { pipeline: "upscale", model_id: "a", price_per_unit: "1", capacity: 2 },
      { pipeline: "upscale", model_id: "b", url: "http://gpu:8000", optimization_flags: { PORT: 8000 } },
      // One URL for another model: a proxy in front of several runners, routing by path.
      { pipeline: "image-to-video", model_id: "v", url: "http://gpu:8000" },
    ]);
    expect(entries.map((e) => [e.capacity, e.pricePerUnit])).toEqual([
      [1, 1],
      [2, 1],
      [1, 0],
      [1, 0],
    ]);
  });

  it("warns about unknown keys instead of refusing the file", () => {
    const { warnings } = parse([{ pipeline: "upscale", model_id: "a", gateway: "x" }]);
    expect(warnings).toEqual(['aiModels.json entry 0 (upscale "a"): ignoring unknown key "gateway"']);
  });

  it.each([
    [{}, "aiModels.json must be a JSON array of model entries, got an object"],
    [[], "aiModels.json lists no models; add at least one entry"],
    [[5], "aiModels.json entry 0: must be an object, got 5"],
    [
      [
        { pipeline: "upscale", model_id: "a" },
        { pipeline: "text-to-speech", model_id: "b" },
      ],
      'aiModels.json entry 1 (text-to-speech "b"): pipeline must be one of text-to-image, image-to-image, image-to-video, upscale, got "text-to-speech"',
    ],
    [
      [{ pipeline: "upscale", model_id: "" }],
      'aiModels.json entry 0 (upscale ""): model_id must be a non-empty string, got ""',
    ],
    [[{ pipeline: "upscale" }], "aiModels.json entry 0 (upscale): model_id must be a non-empty string, got nothing"],
    [
      [{ pipeline: "upscale", model_id: "a", warm: "yes" }],
      'entry 0 (upscale "a"): warm must be true or false, got "yes"',
    ],
    [
      [{ pipeline: "upscale", model_id: "a", capacity: 1.5 }],
      "capacity must be an integer from 1 to 9007199254740991 (2^53 − 1), got 1.5",
    ],
    [[{ pipeline: "upscale", model_id: "a", capacity: 2 ** 53 }], "capacity must be an integer from 1 to"],
    // Left empty, a price would make the model free: refused, as a missing one would not be.
    [
      [{ pipeline: "upscale", model_id: "a", price_per_unit: "" }],
      'price_per_unit must be 0, or a decimal from 1e-18 to 1e15 with at most 15 significant digits, got ""',
    ],
    [[{ pipeline: "upscale", model_id: "a", pixels_per_unit: "" }], "pixels_per_unit must be an integer from 1 to"],
    [
      [{ pipeline: "upscale", model_id: "a", price_per_unit: "cheap" }],
      'price_per_unit must be 0, or a decimal from 1e-18 to 1e15 with at most 15 significant digits, got "cheap"',
    ],
    [
      [{ pipeline: "upscale", model_id: "a", price_per_unit: -1 }],
      "price_per_unit must be 0, or a decimal from 1e-18 to 1e15 with at most 15 significant digits, got -1",
    ],
    [
      [{ pipeline: "upscale", model_id: "a", pixels_per_unit: 0 }],
      "pixels_per_unit must be an integer from 1 to 9007199254740991 (2^53 − 1), got 0",
    ],
    [
      [{ pipeline: "upscale", model_id: "a", url: "gpu-box:8000" }],
      'url must be an http(s) URL of a runner, got "gpu-box:8000"',
    ],
    [[{ pipeline: "upscale", model_id: "a", token: "t" }], "token is only used with url (an external runner)"],
    [[{ pipeline: "upscale", model_id: "a", optimization_flags: ["x"] }], "optimization_flags must be an object"],
    [[{ pipeline: "upscale", model_id: "a", optimization_flags: { "BAD-NAME": 1 } }], 'key "BAD-NAME" is not a valid'],
    [
      [{ pipeline: "upscale", model_id: "a", optimization_flags: { QUEUE_SIZE: 8 } }],
      'aiModels.json entry 0 (upscale "a"): optimization_flags.QUEUE_SIZE cannot be set: the orchestrator gives its runner the entry\'s capacity as QUEUE_SIZE (set capacity instead); remove it',
    ],
    [
      [{ pipeline: "upscale", model_id: "a", optimization_flags: { MODEL_ID: "b" } }],
      "optimization_flags.MODEL_ID cannot be set: the orchestrator gives its runner the entry's model_id; remove it",
    ],
    [
      [
        { pipeline: "upscale", model_id: "a", price_per_unit: 1 },
        { pipeline: "upscale", model_id: "b", price_per_unit: 2 },
        { pipeline: "upscale", model_id: "a", price_per_unit: "5" },
      ],
      'aiModels.json entry 2 (upscale "a"): price_per_unit 5 / pixels_per_unit 1 differ from entry 0\'s (1 / 1) for the same pipeline and model; /info advertises one price per model, so give every entry of it the same price',
    ],
    [
      [
        { pipeline: "upscale", model_id: "a", url: "http://gpu:8000" },
        { pipeline: "upscale", model_id: "a", url: "http://gpu:8000/" },
      ],
      'aiModels.json entry 1 (upscale "a"): the runner at http://gpu:8000 is already entry 0 for this pipeline and model; listed twice its capacity would count twice, so raise that entry\'s capacity instead',
    ],
  ])("refuses %j: %s", (value, message) => {
    expect(() => parse(value)).toThrow(message);
  });
});
