/**
 * @module The `PIPELINES` table of a spec: one entry per job operation that carries the `x-avs-pipeline`
 * extension, with what every layer needs to route, encode, count and call it — path, operation id, SDK method
 * name, body encoding, fields, file fields and their media kind, work-unit recipe and answer kind. Everything
 * but the extension is read from the operation itself; the extension is checked against the request schema.
 */

const MEDIA_KINDS = new Set(["image", "video"]);
const NUMERIC = new Set(["integer", "number"]);
/** The roles of a frame-rate change's fields in `units.rate` (see server-kit's `RateRecipe`). */
const RATE_ROLES = ["output_fps", "multiplier", "times_to_interpolate", "source_fps"];

/**
 * @typedef {object} PipelineEntry
 * @property {string} pipeline the route's path without its `/`, also the runner's `PIPELINE` and the capability name
 * @property {string} operationId
 * @property {string} path
 * @property {string} clientMethod the SDK method: the pipeline name in camelCase
 * @property {"json" | "multipart"} body
 * @property {string[]} fields every field of the request body, in the spec's order
 * @property {Record<string, "image" | "video">} files the file fields and the media each holds
 * @property {{pixels: string | string[], frames?: string | number, steps?: string, images?: string, rate?: Record<string, string>}} units
 * @property {"images" | "frames" | "video"} response `{images}`, `{frames}` or the video file itself
 * @property {string} [summary]
 * @property {string} [description]
 */

/**
 * `text-to-image` → `textToImage`.
 * @param {string} name
 */
export function camelCase(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** Merges `allOf` parts into one `{properties, required}` object (as the validator reads bodies). */
function flatten(schema) {
  const properties = { ...(schema.properties ?? {}) };
  const required = new Set(schema.required ?? []);
  for (const part of schema.allOf ?? []) {
    const flat = flatten(part);
    for (const [k, v] of Object.entries(flat.properties)) properties[k] ??= v;
    for (const r of flat.required) required.add(r);
  }
  return { properties, required: [...required] };
}

const isFile = (s) => s?.type === "string" && s?.format === "binary";
const typeOf = (s) => (Array.isArray(s?.type) ? s.type.find((t) => t !== "null") : s?.type);

/**
 * The table of a resolved spec document. Throws, naming the spec, the operation and the field, when the extension
 * does not fit the operation's request schema.
 * @param {import("@ai-video-subnet/server-kit").OpenApiDocument} doc
 * @param {string} spec the spec's name, for messages
 * @returns {PipelineEntry[]}
 */
export function pipelinesTable(doc, spec) {
  const entries = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const ext = op?.["x-avs-pipeline"];
      if (!ext) continue;
      const where = `${spec}.yaml ${method.toUpperCase()} ${path}`;
      const fail = (msg) => {
        throw new Error(`${where}: x-avs-pipeline ${msg}`);
      };
      if (method !== "post") fail("is only allowed on POST operations");
      if (!op.operationId) fail("needs an operationId on its operation");
      const content = op.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      if (mediaType !== "application/json" && mediaType !== "multipart/form-data") {
        fail(`needs a JSON or multipart/form-data request body, got ${mediaType ?? "none"}`);
      }
      const { properties } = flatten(content[mediaType].schema ?? {});
      const files = ext.files ?? {};
      for (const [field, kind] of Object.entries(files)) {
        if (!isFile(properties[field])) fail(`files.${field}: the request has no file field ${field}`);
        if (!MEDIA_KINDS.has(kind)) fail(`files.${field}: the media kind must be image or video, got ${kind}`);
      }
      for (const [field, schema] of Object.entries(properties)) {
        if (isFile(schema) && !(field in files)) fail(`files: the file field ${field} is missing`);
      }
      if (Object.keys(files).length > 0 && mediaType !== "multipart/form-data") {
        fail("files: file fields need a multipart/form-data body");
      }
      const units = ext.units ?? fail("needs units");
      const numeric = (key) => {
        const field = units[key];
        if (field === undefined) return;
        if (!NUMERIC.has(typeOf(properties[field])))
          fail(`units.${key}: ${field} is not a numeric field of the request`);
      };
      if (typeof units.pixels === "string") {
        if (!(units.pixels in files)) fail(`units.pixels: ${units.pixels} is not a file field`);
      } else if (Array.isArray(units.pixels) && units.pixels.length > 0 && units.pixels.every((f) => f in files)) {
        // Alternative sources (e.g. a video or an image pair): the first one the request holds is counted.
      } else if (Array.isArray(units.pixels) && units.pixels.length === 2) {
        for (const field of units.pixels) {
          if (!NUMERIC.has(typeOf(properties[field])))
            fail(`units.pixels: ${field} is not a numeric field of the request`);
        }
      } else {
        fail("units.pixels must be a file field, a list of alternative file fields, or [width field, height field]");
      }
      if (typeof units.frames === "number") {
        if (!Number.isInteger(units.frames) || units.frames < 1)
          fail(`units.frames: a constant must be an integer ≥ 1, got ${units.frames}`);
      } else if (units.frames !== undefined && files[units.frames] !== "video") numeric("frames");
      numeric("steps");
      numeric("images");
      if (units.rate !== undefined) {
        if (typeof units.rate !== "object" || units.rate === null || Array.isArray(units.rate))
          fail("units.rate must map roles to request fields");
        if (files[units.frames] !== "video") fail("units.rate needs units.frames to be a video file field");
        for (const [role, field] of Object.entries(units.rate)) {
          if (!RATE_ROLES.includes(role)) fail(`units.rate: unknown role ${role} (one of ${RATE_ROLES.join(", ")})`);
          if (!NUMERIC.has(typeOf(properties[field])))
            fail(`units.rate.${role}: ${field} is not a numeric field of the request`);
        }
      }
      const unknown = Object.keys(units).filter((k) => !["pixels", "frames", "steps", "images", "rate"].includes(k));
      if (unknown.length > 0) fail(`units: unknown keys ${unknown.join(", ")}`);
      const pipeline = path.slice(1);
      entries.push({
        pipeline,
        operationId: op.operationId,
        path,
        clientMethod: camelCase(pipeline),
        body: mediaType === "application/json" ? "json" : "multipart",
        fields: Object.keys(properties),
        files,
        units,
        response: responseKind(op, fail),
        ...(op.summary ? { summary: op.summary } : {}),
        ...(op.description ? { description: op.description } : {}),
      });
    }
  }
  return entries;
}

function responseKind(op, fail) {
  const content = op.responses?.["200"]?.content ?? {};
  if (content["video/mp4"]) return "video";
  const required = content["application/json"]?.schema?.required ?? [];
  if (required.includes("images")) return "images";
  if (required.includes("frames")) return "frames";
  return fail("needs a 200 answer of {images}, {frames} or video/mp4");
}

/** JSON with objects one key a line and arrays of plain values on one line: a table a reader can scan. */
function compact(value, indent) {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const inner = `${indent}  `;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${compact(value[k], inner)}`).join(",\n")},\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * The TypeScript source of a generated `PIPELINES` file.
 * @param {PipelineEntry[]} entries
 * @param {string} spec
 * @param {string} banner
 */
export function renderPipelines(entries, spec, banner) {
  const body = entries
    .map(({ summary, description, ...entry }) => {
      const doc = [description ?? summary, `\`${"POST"} ${entry.path}\` (${entry.operationId}).`].filter(Boolean);
      const literal = compact(entry, "  ");
      return `  /** ${doc.join(" ")} */\n  ${JSON.stringify(entry.pipeline)}: ${literal},`;
    })
    .join("\n");
  return `${banner}/** One job operation of the ${spec} API, as its \`x-avs-pipeline\` extension and the operation describe it. */
export interface PipelineEntry {
  /** The route's path without its \`/\`: the runner's \`PIPELINE\`, the capability an orchestrator advertises. */
  readonly pipeline: string;
  readonly operationId: string;
  readonly path: string;
  /** The SDK method: the pipeline name in camelCase. */
  readonly clientMethod: string;
  /** How the request body is sent. */
  readonly body: "json" | "multipart";
  /** Every field of the request body, in the spec's order. */
  readonly fields: readonly string[];
  /** The file fields and the media each holds. */
  readonly files: Readonly<Record<string, "image" | "video">>;
  /** Work units = pixels × frames × steps × images; each names a field (or, for pixels and frames, a file field; pixels may list alternative file fields, the first present counted; frames may be a constant; with rate, the frames counted are the output of that frame-rate change of the source). */
  readonly units: {
    readonly pixels: string | readonly string[];
    readonly frames?: string | number;
    readonly steps?: string;
    readonly images?: string;
    readonly rate?: {
      readonly output_fps?: string;
      readonly multiplier?: string;
      readonly times_to_interpolate?: string;
      readonly source_fps?: string;
    };
  };
  /** The 200 answer: \`{images}\`, \`{frames}\` or the video file itself. */
  readonly response: "images" | "frames" | "video";
}

/** The job operations of the ${spec} API, by pipeline name, in the spec's order. */
export const PIPELINES = {
${body}
} as const satisfies Record<string, PipelineEntry>;

/** A pipeline of the ${spec} API. */
export type PipelineName = keyof typeof PIPELINES;
`;
}

/**
 * The TypeScript source of a generated document file: the resolved spec, for the server's validator and docs.
 * @param {object} doc
 * @param {string} spec
 * @param {string} banner
 */
export function renderDocument(doc, spec, banner) {
  return `${banner}import type { OpenApiDocument } from "@ai-video-subnet/server-kit";

/** The ${spec} API with every \`$ref\` inlined: what this server validates requests against and serves. */
export const ${camelCase(spec)}Document: OpenApiDocument = ${JSON.stringify(doc, null, 2)};
`;
}
