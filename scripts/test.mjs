#!/usr/bin/env node
/**
 * @module `npm test`: installs the system packages the tests need (scripts/system-deps.mjs) and the workspace, builds
 * (generate → build), runs every vitest project, and closes with the plain line `N passed, N failed` counted from
 * vitest's JSON report (scripts/count-results.mjs). Zero tests counts as a failure.
 * Extra arguments go to vitest (e.g. `npm test -- runner`).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { install, pnpm, ROOT } from "./bootstrap.mjs";
import { countResults } from "./count-results.mjs";
import { ensureSystemDeps } from "./system-deps.mjs";

ensureSystemDeps();
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

let counts = { passed: 0, failed: 1, skipped: 0 };
if (existsSync(report)) {
  counts = countResults(JSON.parse(readFileSync(report, "utf8")));
  if (counts.failed === 0 && run.status !== 0) counts.failed = 1;
}
const { passed, failed, skipped } = counts;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
