#!/usr/bin/env node
/**
 * @module `npm test`: installs, builds (generate → build), runs every vitest project, and closes with the
 * plain line `N passed, N failed` counted from vitest's JSON report. Zero tests counts as a failure.
 * Extra arguments go to vitest (e.g. `npm test -- runner`).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { install, pnpm, ROOT } from "./bootstrap.mjs";

install();
console.log("> building (turbo: generate → build)");
pnpm(["turbo", "run", "build", "--output-logs=errors-only"]);

const report = join(ROOT, ".test-report.json");
rmSync(report, { force: true });
console.log("> testing (vitest)");
const run = pnpm(
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { allowFailure: true },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (failed === 0 && run.status !== 0) failed = 1;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
