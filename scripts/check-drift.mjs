#!/usr/bin/env node
/**
 * @module Drift check: runs every package's `generate` script (what `pnpm generate` runs after its builds) with
 * AVS_CODEGEN_OUT_DIR set, so the generator writes into a temp directory instead of the tree, and compares what it
 * wrote with the files on disk. It fails when a generated file differs or is missing, or when a package's
 * `src/generated/` holds a file the generator does not write. The tree is left as it is, committed or not: it passes
 * right after `pnpm generate`, and on CI's clean clone it checks what was committed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ENV, pnpm, ROOT } from "./bootstrap.mjs";

/** Every file below `dir`, as paths relative to `base`; none when `dir` does not exist. */
function filesBelow(dir, base) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

/** The bytes of a file, or undefined when there is none. */
function read(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * What differs between the generator's output in `out` and the tree at `root`, one line per file.
 * @example drift("/tmp/gen", ROOT) // ["packages/sdk/src/generated/gateway.ts differs from what specs/ generate"]
 */
function drift(out, root) {
  const generated = filesBelow(out, out);
  const lines = generated.flatMap((file) => {
    const onDisk = read(join(root, file));
    if (onDisk === undefined) return [`${file} is missing`];
    return onDisk.equals(readFileSync(join(out, file))) ? [] : [`${file} differs from what specs/ generate`];
  });
  const folders = new Set(generated.flatMap((f) => /^(.*\/src\/generated)\//.exec(f)?.[1] ?? []));
  for (const folder of folders) {
    for (const file of filesBelow(join(root, folder), root)) {
      if (!generated.includes(file)) lines.push(`${file} is not generated from specs/ (delete it)`);
    }
  }
  return lines.sort();
}

const out = mkdtempSync(join(tmpdir(), "avs-drift-"));
try {
  const env = { ...ENV, AVS_CODEGEN_OUT_DIR: out };
  const run = pnpm(["--recursive", "--reporter=silent", "run", "generate"], { env, allowFailure: true });
  const lines = run.status === 0 ? drift(out, ROOT) : [];
  if (run.status !== 0) {
    console.error(`pnpm --recursive run generate failed (exit ${run.status ?? run.signal})`);
    process.exitCode = run.status || 1;
  } else if (lines.length > 0) {
    console.error("Generated code differs from specs/. Run `pnpm generate` and commit the result:");
    console.error(lines.map((l) => `  ${l}`).join("\n"));
    process.exitCode = 1;
  } else {
    console.log("generated code matches specs/");
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
