/**
 * @module The model a job runs when its request names none (`model_id` absent or empty): the operator's
 * `default-model` for its pipeline, which starts from Livepeer's gateway defaults. Our own pipelines have none unless
 * the operator sets one, and a request to such a pipeline without a model is a 422 that says how to set one.
 */
import { flattenObjectSchema, RequestValidationError, type Setting } from "@ai-video-subnet/server-kit";
import { gatewayDocument } from "../generated/gateway-document.js";
import { PIPELINES } from "../generated/gateway-pipelines.js";

/**
 * The defaults of Livepeer's AI gateway: go-livepeer's `server/ai_process.go` (`defaultTextToImageModelID`,
 * `defaultImageToImageModelID`, `defaultImageToVideoModelID`, `defaultUpscaleModelID`), which `processAIRequest`
 * uses for a request without `model_id`. Livepeer has no video-upscale or frame-interpolation.
 */
export const LIVEPEER_DEFAULT_MODELS: Readonly<Record<string, string>> = {
  "text-to-image": "stabilityai/sdxl-turbo",
  "image-to-image": "stabilityai/sdxl-turbo",
  "image-to-video": "stabilityai/stable-video-diffusion-img2vid-xt",
  upscale: "stabilityai/stable-diffusion-x4-upscaler",
};

const PIPELINE_NAMES = Object.keys(PIPELINES);
const EXAMPLE = "upscale=stabilityai/stable-diffusion-x4-upscaler";

/** The `default-model` setting: flag `--default-model`, env `AVS_BROADCASTER_DEFAULT_MODEL`, config key `default-model`. */
export const DEFAULT_MODEL_SETTING = {
  name: "default-model",
  kind: "list",
  help: `the model a job runs when its request names none, as <pipeline>=<model_id>, e.g. ${EXAMPLE}; <pipeline>= removes that pipeline's default (repeat; comma-separated in env; overrides Livepeer's default per pipeline)`,
  shownDefault: `${Object.entries(LIVEPEER_DEFAULT_MODELS)
    .map(([p, m]) => `${p}=${m}`)
    .join(", ")}, as Livepeer's gateway; none for ${PIPELINE_NAMES.filter((p) => !(p in LIVEPEER_DEFAULT_MODELS)).join(
    " and ",
  )}`,
} as const satisfies Setting;

/** The gateway spec's `model_id` schema (the same on every pipeline): what a default must be too. */
const MODEL_ID = (() => {
  const { path, body } = Object.values(PIPELINES)[0]!;
  const mediaType = body === "json" ? "application/json" : "multipart/form-data";
  const schema = gatewayDocument.paths[path]?.post?.requestBody?.content?.[mediaType]?.schema ?? {};
  const modelId = flattenObjectSchema(schema).properties?.model_id ?? {};
  const pattern = typeof modelId.pattern === "string" ? modelId.pattern : "^";
  return { pattern: new RegExp(pattern), maxLength: modelId.maxLength ?? Number.POSITIVE_INFINITY };
})();

/**
 * The defaults in effect: Livepeer's, with `overrides` over them per pipeline (`""` removes a pipeline's default).
 * Throws, naming what is allowed, for a pipeline the gateway does not have or a model id `model_id` could not be.
 * @example defaultModelsOf({ upscale: "tiny/esrgan-x4", "image-to-video": "" })["upscale"] // "tiny/esrgan-x4"
 */
export function defaultModelsOf(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const models: Record<string, string> = { ...LIVEPEER_DEFAULT_MODELS };
  for (const [pipeline, modelId] of Object.entries(overrides)) {
    const entry = `${pipeline}=${modelId}`;
    if (!Object.hasOwn(PIPELINES, pipeline)) {
      throw new Error(
        `default-model ${JSON.stringify(entry)} names no pipeline of this gateway; pipelines: ${PIPELINE_NAMES.join(", ")}`,
      );
    }
    if (modelId === "") {
      delete models[pipeline];
    } else if (modelId.length > MODEL_ID.maxLength || !MODEL_ID.pattern.test(modelId)) {
      throw new Error(
        `default-model ${JSON.stringify(entry)}: the model id must be what model_id may be, at most ${MODEL_ID.maxLength} characters matching ${MODEL_ID.pattern.source}`,
      );
    } else models[pipeline] = modelId;
  }
  return models;
}

/**
 * The `default-model` entries of flags, environment or config file (`<pipeline>=<model_id>` each) as overrides for
 * {@link defaultModelsOf}, checked by it. Throws for an entry of another form or a pipeline given twice.
 * @example parseDefaultModels(["upscale=tiny/esrgan-x4"]) // { upscale: "tiny/esrgan-x4" }
 */
export function parseDefaultModels(entries: readonly unknown[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const entry of entries) {
    const m = typeof entry === "string" ? /^\s*([^=\s]+)\s*=\s*(\S*)\s*$/.exec(entry) : null;
    if (!m) {
      throw new Error(
        `default-model must look like <pipeline>=<model_id>, e.g. ${EXAMPLE}, got ${JSON.stringify(entry)}`,
      );
    }
    const [, pipeline, modelId] = m as unknown as [string, string, string];
    if (Object.hasOwn(overrides, pipeline)) {
      throw new Error(
        `default-model sets ${pipeline} twice (${pipeline}=${overrides[pipeline]}, ${entry}); set it once`,
      );
    }
    overrides[pipeline] = modelId;
  }
  defaultModelsOf(overrides);
  return overrides;
}

/**
 * The model a job of `pipeline` runs: the request's `model_id` when it names one, else the pipeline's default
 * (`defaulted`). Without either it throws the 422 a missing required `model_id` gets, saying how the operator can
 * set a default.
 * @example modelFor("text-to-image", "", defaultModelsOf()) // { modelId: "stabilityai/sdxl-turbo", defaulted: true }
 */
export function modelFor(
  pipeline: string,
  asked: unknown,
  defaults: Readonly<Record<string, string>>,
): { modelId: string; defaulted: boolean } {
  if (typeof asked === "string" && asked !== "") return { modelId: asked, defaulted: false };
  const modelId = defaults[pipeline];
  if (modelId !== undefined) return { modelId, defaulted: true };
  throw new RequestValidationError([
    {
      loc: ["body", "model_id"],
      msg: `model_id is required: this gateway has no default model for ${pipeline} (its operator can set one with --default-model ${pipeline}=<model_id>)`,
      type: "missing",
    },
  ]);
}
