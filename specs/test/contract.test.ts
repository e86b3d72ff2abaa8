/** @module Contract tests: our specs hold the Livepeer wire format field by field, and every error uses one of the two shapes. */

import { flattenObjectSchema } from "@ai-video-subnet/server-kit";
import { describe, expect, it } from "vitest";
import { loadSpec, type SchemaObject, type SpecName } from "../src/index.js";
import { PIPELINES } from "./compatibility-table.js";

function typeOf(schema: SchemaObject): string | undefined {
  if (schema.type === "string" && schema.format === "binary") return "file";
  return schema.type as string;
}

const ERROR_SHAPE = {
  type: "object",
  required: ["detail"],
  properties: { detail: { type: "object", required: ["msg"], properties: { msg: { type: "string" } } } },
};
const VALIDATION_SHAPE = {
  type: "object",
  required: ["detail"],
  properties: {
    detail: {
      type: "array",
      items: { type: "object", required: ["loc", "msg", "type"] },
    },
  },
};

// model_id: optional at the runner (it serves one model) and at the gateway (its default for the pipeline, as
// Livepeer's gateway), required at the orchestrator (the gateway always names the model it chose).
describe.each<[SpecName, boolean]>([
  ["runner", false],
  ["orchestrator", true],
  ["gateway", false],
])("%s spec", (name, modelIdRequired) => {
  for (const pipeline of PIPELINES) {
    describe(`POST ${pipeline.path}`, async () => {
      const doc = await loadSpec(name);
      const op = doc.paths[pipeline.path]?.post;
      const content = op?.requestBody?.content ?? {};
      const schema = flattenObjectSchema(content[pipeline.mediaType]?.schema ?? {});

      it("takes the Livepeer content type only", () => {
        expect(Object.keys(content)).toEqual([pipeline.mediaType]);
        expect(op?.requestBody?.required).toBe(true);
      });

      const extensions = { ...pipeline.extensions, ...(name === "runner" ? {} : pipeline.networkExtensions) };
      it("has exactly the Livepeer fields, plus our optional extensions", () => {
        const expected = [...Object.keys(pipeline.fields), ...Object.keys(extensions)];
        expect(Object.keys(schema.properties ?? {}).sort()).toEqual(expected.sort());
      });

      const typed = Object.entries({ ...pipeline.fields, ...extensions });
      it.each(typed)("field %s has the Livepeer (or extension) type and default", (field, [type, dflt]) => {
        const prop = schema.properties?.[field] ?? {};
        expect(typeOf(prop)).toBe(type);
        expect(prop.default).toEqual(dflt);
      });

      it("requires the Livepeer fields", () => {
        const expected = [...pipeline.required, ...(modelIdRequired ? ["model_id"] : [])].sort();
        expect([...(schema.required ?? [])].sort()).toEqual(expected);
      });

      it("answers with Media in the right container", () => {
        const ok = op?.responses["200"]?.content?.["application/json"]?.schema ?? {};
        const videoFromRunner = name === "runner" && pipeline.path === "/image-to-video";
        const media = videoFromRunner ? ok.properties?.frames?.items?.items : ok.properties?.images?.items;
        expect(ok.required).toEqual([videoFromRunner ? "frames" : "images"]);
        expect(media?.required).toEqual(["url", "seed", "nsfw"]);
        expect(media?.properties?.url?.type).toBe("string");
        expect(media?.properties?.seed?.type).toBe("integer");
        expect(media?.properties?.nsfw?.type).toBe("boolean");
      });

      it("declares the errors a job can meet", () => {
        const codes = Object.keys(op?.responses ?? {});
        for (const code of ["400", "401", "422", "500", "503"]) expect(codes).toContain(code);
        // The runner's Livepeer routes declare only what go-livepeer's client reads: an upload too large or of the
        // wrong type is a 400 there (X-AVS-Status names the 413 or 415); the network's layers say 413 and 415.
        for (const code of ["413", "415"]) {
          if (name === "runner") expect(codes).not.toContain(code);
          else expect(codes).toContain(code);
        }
      });
    });
  }

  it("declares every error in one of the two shapes, and every operation has an id, a description and examples", async () => {
    const doc = await loadSpec(name);
    let errors = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        expect(op.operationId, path).toBeTruthy();
        expect(op.description, path).toBeTruthy();
        for (const media of Object.values(op.requestBody?.content ?? {})) {
          expect(Object.keys((media as { examples?: object }).examples ?? {}).length, path).toBeGreaterThan(0);
        }
        for (const [code, response] of Object.entries(op.responses)) {
          // The runner's /health answers its LOADING state with a 503: a state, checked below, not an error.
          if (Number(code) < 400 || (name === "runner" && path === "/health")) continue;
          errors++;
          const schema = response.content?.["application/json"]?.schema;
          expect(Object.keys(response.content ?? {}), `${path} ${code}`).toEqual(["application/json"]);
          expect(schema, `${path} ${code}`).toMatchObject(code === "422" ? VALIDATION_SHAPE : ERROR_SHAPE);
        }
      }
    }
    expect(errors).toBeGreaterThan(10);
  });
});

describe("runner spec status routes", async () => {
  const doc = await loadSpec("runner");
  it("has the Livepeer health states", () => {
    const schema = doc.paths["/health"]?.get?.responses["200"]?.content?.["application/json"]?.schema;
    expect(schema?.properties?.status?.enum).toEqual(["LOADING", "OK", "ERROR", "IDLE"]);
  });
  it("answers LOADING with a 503 whose body is the state, so go-livepeer does not take a loading runner as ready", () => {
    const loading = doc.paths["/health"]?.get?.responses["503"];
    expect(loading?.content?.["application/json"]?.schema).toEqual(
      doc.paths["/health"]?.get?.responses["200"]?.content?.["application/json"]?.schema,
    );
    expect(Object.keys(loading?.headers ?? {})).toEqual(["Retry-After"]);
  });
  it.each([
    ["/hardware/info", ["pipeline", "model_id", "gpu_info"]],
    ["/hardware/stats", ["pipeline", "model_id", "gpu_stats"]],
    ["/version", ["version"]],
  ])("%s returns the Livepeer fields", (path, required) => {
    const schema = doc.paths[path]?.get?.responses["200"]?.content?.["application/json"]?.schema;
    expect(schema?.required).toEqual(required);
  });
});

describe("orchestrator spec", async () => {
  const doc = await loadSpec("orchestrator");
  it("advertises capabilities with pipeline, model, warmth, capacity, use and price", () => {
    const info = doc.paths["/info"]?.get?.responses["200"]?.content?.["application/json"]?.schema;
    expect(info?.properties?.capabilities?.items?.required).toEqual([
      "pipeline",
      "model_id",
      "warm",
      "capacity",
      "in_use",
      "price",
    ]);
  });
});
