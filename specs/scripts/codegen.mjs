#!/usr/bin/env node
/**
 * @module Generates the code of one spec into a package's `src/generated/`: its types with openapi-typescript (one
 * call per spec), and on request the `PIPELINES` table of its job operations and the resolved document.
 *
 * Usage: avs-codegen <runner|orchestrator|gateway> <types file> [--pipelines] [--document]
 *   <types file>         `paths`, `components`, `operations` (file fields typed as `Blob`)
 *   --pipelines          `<spec>-pipelines.ts` next to it: the `PIPELINES` table (see pipelines.mjs)
 *   --document           `<spec>-document.ts` next to it: the spec with every `$ref` inlined, for a server
 * Every file carries a do-not-edit banner; CI regenerates every package's files and fails when anything changes.
 * With AVS_CODEGEN_OUT_DIR set, the files go to the same paths under that directory instead of the repository
 * (`scripts/check-drift.mjs` compares them with the files on disk).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { parse } from "yaml";
import { pipelinesTable, renderDocument, renderPipelines } from "./pipelines.mjs";

const SPECS = ["runner", "orchestrator", "gateway"];
const FLAGS = ["--pipelines", "--document"];
const args = process.argv.slice(2);
const [spec, out] = args.filter((a) => !a.startsWith("--"));
const flags = new Set(args.filter((a) => a.startsWith("--")));
if (!SPECS.includes(spec) || !out || [...flags].some((f) => !FLAGS.includes(f))) {
  console.error(`usage: avs-codegen <${SPECS.join("|")}> <types file> [${FLAGS.join("] [")}]`);
  process.exit(2);
}

const specsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const specFile = resolve(specsDir, `${spec}.yaml`);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const banner = (what) => `/**
 * Generated from specs/${spec}.yaml by \`avs-codegen\` (${what}). Do not edit by hand:
 * change the spec and run \`pnpm generate\`.
 */

`;

/** Where a file of the repository is written: in place, or at its path under AVS_CODEGEN_OUT_DIR. */
function outputPath(file) {
  const outDir = process.env.AVS_CODEGEN_OUT_DIR;
  if (!outDir) return file;
  const inRepo = relative(dirname(specsDir), file);
  if (inRepo.startsWith("..") || isAbsolute(inRepo)) {
    throw new Error(`AVS_CODEGEN_OUT_DIR is set, but ${file} is outside the repository ${dirname(specsDir)}`);
  }
  return resolve(outDir, inRepo);
}

async function write(file, text) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

const ast = await openapiTS(pathToFileURL(specFile), {
  // A field with a default may be omitted by the caller; servers see it filled in by the validator.
  defaultNonNullable: false,
  transform(schemaObject) {
    if (schemaObject.format === "binary") {
      return schemaObject.nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
    }
    return undefined;
  },
});
const target = outputPath(resolve(process.cwd(), out));
await write(target, banner("openapi-typescript") + astToString(ast));

if (flags.size > 0) {
  const doc = await $RefParser.dereference(specFile, parse(await readFile(specFile, "utf8")), {
    dereference: { circular: false },
  });
  if (flags.has("--pipelines")) {
    const table = pipelinesTable(doc, spec);
    await write(join(dirname(target), `${spec}-pipelines.ts`), renderPipelines(table, spec, banner("x-avs-pipeline")));
  }
  if (flags.has("--document")) {
    await write(join(dirname(target), `${spec}-document.ts`), renderDocument(doc, spec, banner("resolved document")));
  }
}
