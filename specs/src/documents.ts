/** @module Loads the OpenAPI documents of the three APIs, resolved (every `$ref` inlined) for validation and serving. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import { parse } from "yaml";

/** The three APIs, each described by `specs/<name>.yaml`. */
export type SpecName = "runner" | "orchestrator" | "gateway";

/** A resolved OpenAPI 3.1 document: plain data, no `$ref` left. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OperationObject>>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The parts of an OpenAPI operation the servers use. */
export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: SchemaObject }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: SchemaObject }> }>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

/** A JSON Schema 2020-12 object as used in the specs. */
export interface SchemaObject {
  type?: string | string[];
  format?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  allOf?: SchemaObject[];
  items?: SchemaObject;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  [key: string]: unknown;
}

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
