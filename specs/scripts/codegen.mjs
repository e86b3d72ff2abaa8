#!/usr/bin/env node
/**
 * @module Generates TypeScript types of one spec with openapi-typescript, one call per spec.
 *
 * Usage: avs-codegen <runner|orchestrator|gateway> <output file>
 * File fields (`format: binary`) are typed as `Blob`. The output carries a do-not-edit banner; CI regenerates
 * every package's file and fails when anything changes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const SPECS = ["runner", "orchestrator", "gateway"];
const [spec, out] = process.argv.slice(2);
if (!SPECS.includes(spec) || !out) {
  console.error(`usage: avs-codegen <${SPECS.join("|")}> <output file>`);
  process.exit(2);
}

const specsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const ast = await openapiTS(pathToFileURL(resolve(specsDir, `${spec}.yaml`)), {
  // A field with a default may be omitted by the caller; servers see it filled in by the validator.
  defaultNonNullable: false,
  transform(schemaObject) {
    if (schemaObject.format === "binary") {
      return schemaObject.nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
    }
    return undefined;
  },
});

const banner = `/**
 * Generated from specs/${spec}.yaml by \`avs-codegen\` (openapi-typescript). Do not edit by hand:
 * change the spec and run \`pnpm generate\`.
 */

`;
const target = resolve(process.cwd(), out);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, banner + astToString(ast));
