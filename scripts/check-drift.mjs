#!/usr/bin/env node
/**
 * @module Drift check: regenerates every package's `src/generated/` from specs/ and fails when anything
 * changed (untracked files count, so a new generated file that was not committed fails too).
 */
import { execFileSync } from "node:child_process";
import { pnpm, ROOT } from "./bootstrap.mjs";

pnpm(["--recursive", "--reporter=silent", "run", "generate"]);
const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((line) => line.includes("/src/generated/"));
if (status.length > 0) {
  console.error("Generated code differs from specs/. Run `pnpm generate` and commit the result:");
  console.error(status.join("\n"));
  process.exit(1);
}
console.log("generated code matches specs/");
