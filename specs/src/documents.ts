/**
 * @module Loads the OpenAPI documents of the three APIs, resolved (every `$ref` inlined), for tests and tools.
 * Servers do not load YAML at run time: `avs-codegen --document` writes the resolved document into their
 * `src/generated/`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { OpenApiDocument } from "@ai-video-subnet/server-kit";
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import { parse } from "yaml";

/** The three APIs, each described by `specs/<name>.yaml`. */
export type SpecName = "runner" | "orchestrator" | "gateway";

/**
 * Path of a spec file inside this package.
 * @example specPath("runner") // ".../specs/runner.yaml"
 */
export function specPath(name: SpecName): string {
  return fileURLToPath(new URL(`../${name}.yaml`, import.meta.url));
}

/**
 * The spec as written (YAML text), for serving at `/openapi.yaml`.
 * @example await specSource("gateway")
 */
export async function specSource(name: SpecName): Promise<string> {
  return readFile(specPath(name), "utf8");
}

const cache = new Map<SpecName, Promise<OpenApiDocument>>();

/**
 * The spec with every `$ref` (also into `components.yaml`) replaced by its target. Loaded once per process.
 * @example const doc = await loadSpec("runner"); doc.paths["/upscale"].post.operationId // "genUpscale"
 */
export function loadSpec(name: SpecName): Promise<OpenApiDocument> {
  let doc = cache.get(name);
  if (!doc) {
    doc = readFile(specPath(name), "utf8").then(async (text) => {
      const parsed = parse(text) as OpenApiDocument;
      return (await $RefParser.dereference(specPath(name), parsed, {
        dereference: { circular: false },
      })) as OpenApiDocument;
    });
    cache.set(name, doc);
  }
  return doc;
}
