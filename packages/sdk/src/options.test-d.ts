/**
 * Type-level tests: the methods are mapped from the generated `PIPELINES` table; options and results are the
 * spec's, renamed to camelCase, with the same optionality.
 */
import { describe, expectTypeOf, it } from "vitest";
import { type Client, createClient } from "./client.js";
import type { components, operations } from "./generated/gateway.js";
import type { PIPELINES } from "./generated/gateway-pipelines.js";
import type { CamelCase, SnakeCase } from "./internal/case.js";
import type { JobPipeline, JobPipelines } from "./jobs.js";
import type {
  CallOptions,
  DownloadOptions,
  FrameInterpolationOptions,
  ImageToImageOptions,
  ImageToVideoOptions,
  LorasInput,
  PipelineMethods,
  PipelineName,
  PipelineOptions,
  PipelineResult,
  RequestBodyOf,
  TextToImageOptions,
  UpscaleOptions,
  VideoUpscaleOptions,
} from "./options.js";
import type { Uploadable } from "./uploadable.js";

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Ops =
  | "genTextToImage"
  | "genImageToImage"
  | "genImageToVideo"
  | "genUpscale"
  | "genVideoUpscale"
  | "genFrameInterpolation";
const client = createClient({ baseUrl: "http://127.0.0.1:8937" });

describe("methods from the PIPELINES table", () => {
  it("has one method per pipeline of the spec, named after its route, and nothing else", () => {
    expectTypeOf<keyof PipelineMethods>().toEqualTypeOf<
      "textToImage" | "imageToImage" | "imageToVideo" | "upscale" | "videoUpscale" | "frameInterpolation"
    >();
    expectTypeOf<keyof Client>().toEqualTypeOf<keyof PipelineMethods | "download" | "raw" | "submit" | "job">();
    expectTypeOf<PipelineName>().toEqualTypeOf<
      "text-to-image" | "image-to-image" | "image-to-video" | "upscale" | "video-upscale" | "frame-interpolation"
    >();
    expectTypeOf<(typeof PIPELINES)["image-to-video"]["clientMethod"]>().toEqualTypeOf<"imageToVideo">();
    // @ts-expect-error: no such pipeline in the gateway spec
    client.videoMagic;
  });

  it("gives each method its pipeline's options and result", () => {
    expectTypeOf(client.textToImage).parameter(0).toEqualTypeOf<PipelineOptions<"text-to-image">>();
    expectTypeOf(client.upscale).parameter(0).toEqualTypeOf<PipelineOptions<"upscale">>();
    expectTypeOf(client.imageToVideo).returns.resolves.toEqualTypeOf<PipelineResult<"image-to-video">>();
    expectTypeOf<PipelineOptions<"image-to-image">>().toEqualTypeOf<ImageToImageOptions>();
    expectTypeOf<PipelineOptions<"upscale">>().toEqualTypeOf<UpscaleOptions>();
    expectTypeOf(client.videoUpscale).parameter(0).toEqualTypeOf<VideoUpscaleOptions>();
    expectTypeOf(client.videoUpscale).returns.resolves.toEqualTypeOf<PipelineResult<"video-upscale">>();
    expectTypeOf<PipelineResult<"video-upscale">>().toEqualTypeOf<PipelineResult<"upscale">>();
    expectTypeOf(client.frameInterpolation).parameter(0).toEqualTypeOf<FrameInterpolationOptions>();
    expectTypeOf(client.frameInterpolation).returns.resolves.toEqualTypeOf<PipelineResult<"video-upscale">>();
    expectTypeOf<FrameInterpolationOptions>().toEqualTypeOf<{
      modelId?: string;
      video?: Uploadable;
      firstImage?: Uploadable;
      lastImage?: Uploadable;
      sourceFps?: number;
      outputFps?: number;
      multiplier?: number;
      timesToInterpolate?: number;
      seed?: number;
    }>();
  });

  it("turns a pipeline added to the table into a typed method", () => {
    type Grown = typeof PIPELINES & {
      "upscale-again": { clientMethod: "upscaleAgain"; operationId: "genUpscale" };
    };
    type Methods = PipelineMethods<Grown>;
    expectTypeOf<keyof Methods>().toEqualTypeOf<keyof PipelineMethods | "upscaleAgain">();
    expectTypeOf<Methods["upscaleAgain"]>().parameter(0).toEqualTypeOf<UpscaleOptions>();
    expectTypeOf<Methods["upscaleAgain"]>().returns.resolves.toEqualTypeOf<PipelineResult<"upscale">>();
  });
});

describe("option names", () => {
  it("renames snake_case to camelCase and back", () => {
    expectTypeOf<CamelCase<"num_images_per_prompt">>().toEqualTypeOf<"numImagesPerPrompt">();
    expectTypeOf<SnakeCase<"numImagesPerPrompt">>().toEqualTypeOf<"num_images_per_prompt">();
    expectTypeOf<CamelCase<"prompt">>().toEqualTypeOf<"prompt">();
  });

  it("has exactly one option per spec field, for every pipeline", () => {
    type Back<O> = { [K in keyof O]-?: K extends string ? SnakeCase<K> : never }[keyof O];
    expectTypeOf<Back<TextToImageOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genTextToImage">>();
    expectTypeOf<Back<ImageToImageOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genImageToImage">>();
    expectTypeOf<Back<ImageToVideoOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genImageToVideo">>();
    expectTypeOf<Back<UpscaleOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genUpscale">>();
    expectTypeOf<Back<VideoUpscaleOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genVideoUpscale">>();
    expectTypeOf<Back<FrameInterpolationOptions>>().toEqualTypeOf<keyof RequestBodyOf<"genFrameInterpolation">>();
  });

  it("requires what the spec requires (not modelId: without one the gateway runs its default for the pipeline)", () => {
    expectTypeOf<RequiredKeys<TextToImageOptions>>().toEqualTypeOf<"prompt">();
    expectTypeOf<RequiredKeys<ImageToImageOptions>>().toEqualTypeOf<"prompt" | "image">();
    expectTypeOf<RequiredKeys<ImageToVideoOptions>>().toEqualTypeOf<"image">();
    expectTypeOf<RequiredKeys<UpscaleOptions>>().toEqualTypeOf<"prompt" | "image">();
    expectTypeOf<RequiredKeys<VideoUpscaleOptions>>().toEqualTypeOf<"video">();
    expectTypeOf<TextToImageOptions["modelId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VideoUpscaleOptions["video"]>().toEqualTypeOf<Uploadable>();
  });
});

describe("option types", () => {
  it("keeps the spec's value types", () => {
    type T2I = components["schemas"]["TextToImageParams"];
    expectTypeOf<TextToImageOptions["numInferenceSteps"]>().toEqualTypeOf<T2I["num_inference_steps"]>();
    expectTypeOf<TextToImageOptions["safetyCheck"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ImageToVideoOptions["motionBucketId"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ImageToVideoOptions["outputFps"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ImageToVideoOptions["interpolationModelId"]>().toEqualTypeOf<string | undefined>();
  });

  it("takes any uploadable for binary fields and an object or string for loras", () => {
    expectTypeOf<ImageToImageOptions["image"]>().toEqualTypeOf<Uploadable>();
    expectTypeOf<UpscaleOptions["image"]>().toEqualTypeOf<Uploadable>();
    expectTypeOf<ImageToImageOptions["loras"]>().toEqualTypeOf<LorasInput | undefined>();
    expectTypeOf<Uint8Array>().toExtend<Uploadable>();
    expectTypeOf<ReadableStream<Uint8Array>>().toExtend<Uploadable>();
  });

  it("rejects unknown or wrongly typed options", () => {
    // @ts-expect-error: the spec has no `steps`
    client.textToImage({ modelId: "m", prompt: "p", steps: 4 });
    // @ts-expect-error: height is a number
    client.textToImage({ modelId: "m", prompt: "p", height: "512" });
    // @ts-expect-error: prompt is required
    client.upscale({ image: new Blob() });
    // @ts-expect-error: snake_case names are the wire format, not options
    client.textToImage({ modelId: "m", prompt: "p", num_inference_steps: 1 });
  });
});

describe("results", () => {
  it("returns the spec's 200 body", async () => {
    type Ok<Op extends Ops> = operations[Op]["responses"][200]["content"]["application/json"];
    expectTypeOf(client.textToImage).returns.resolves.toEqualTypeOf<Ok<"genTextToImage">>();
    expectTypeOf(client.imageToImage).returns.resolves.toEqualTypeOf<Ok<"genImageToImage">>();
    expectTypeOf(client.imageToVideo).returns.resolves.toEqualTypeOf<Ok<"genImageToVideo">>();
    expectTypeOf(client.upscale).returns.resolves.toEqualTypeOf<Ok<"genUpscale">>();
    const { images } = await client.textToImage({ modelId: "m", prompt: "p" });
    expectTypeOf(images[0]!).toEqualTypeOf<components["schemas"]["Media"]>();
  });

  it("downloads bytes, or with { stream: true } a web stream of them", () => {
    const call: CallOptions = { timeoutMs: 1000 };
    const stream = Math.random() > 0.5;
    expectTypeOf(client.download("/outputs/a.png")).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.download("/outputs/a.png", call)).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.download("/outputs/a.png", { stream: false })).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.download("/a.mp4", { ...call, stream: true })).resolves.toEqualTypeOf<
      ReadableStream<Uint8Array>
    >();
    expectTypeOf(client.download("/a.mp4", { stream })).resolves.toEqualTypeOf<
      Uint8Array | ReadableStream<Uint8Array>
    >();
    expectTypeOf<DownloadOptions>().toExtend<CallOptions>();
    expectTypeOf<DownloadOptions["stream"]>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error: stream is a boolean
    void client.download("/a.mp4", { stream: "yes" });
  });

  it("keeps the raw client typed by path", async () => {
    const { data } = await client.raw.GET("/health");
    expectTypeOf(data).toEqualTypeOf<components["schemas"]["HealthCheck"] | undefined>();
    // @ts-expect-error: no such route in the gateway spec
    client.raw.GET("/nope");
  });
});

describe("asynchronous jobs from the same table", () => {
  it("submits any pipeline by its method name, with that method's options and result", () => {
    expectTypeOf<JobPipeline>().toEqualTypeOf<keyof PipelineMethods>();
    expectTypeOf<JobPipelines["upscale"]["options"]>().toEqualTypeOf<PipelineOptions<"upscale">>();
    expectTypeOf<JobPipelines["imageToVideo"]["result"]>().toEqualTypeOf<PipelineResult<"image-to-video">>();
    // @ts-expect-error: submit takes method names, not routes
    void client.submit("text-to-image", { modelId: "m", prompt: "p" });
  });
});
