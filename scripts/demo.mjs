#!/usr/bin/env node
/**
 * @module `npm run demo`: installs and builds the workspace, then runs the devnet demo (devnet/src/demo.ts):
 * models prepared into ./models, a broadcaster and two orchestrators with their runners, one job per pipeline
 * through the SDK, results in ./demo-output/. Arguments go to the demo (`npm run demo -- --once`, `-- --help`).
 * Ctrl-C reaches the demo, which stops every process it started; this script waits for it and exits with its status.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENV, install, pnpm, ROOT } from "./bootstrap.mjs";
import { ensureSystemDeps } from "./system-deps.mjs";

// `-- --help` answers at once, before the system packages, install and build: the text is the demo's own DEMO_HELP,
// read from its source (a template literal without substitutions); if that ever fails, the built demo prints it.
if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
  const source = readFileSync(join(ROOT, "devnet", "src", "demo", "options.ts"), "utf8");
  const help = /export const DEMO_HELP = `([^`$]*)`;/.exec(source)?.[1];
  if (help) {
    process.stdout.write(help);
    process.exit(0);
  }
}

ensureSystemDeps(["ffmpeg"]);
install();
console.log("> building (turbo: generate → build; the first run takes several minutes, later runs reuse it)");
pnpm(["turbo", "run", "build", "--output-logs=errors-only"]);

const demo = spawn(process.execPath, [join(ROOT, "devnet", "dist", "demo.js"), ...process.argv.slice(2)], {
  cwd: ROOT,
  env: ENV,
  stdio: "inherit",
});
// The terminal sends Ctrl-C (and a hang-up) to the demo as well; stay alive until it has stopped everything.
// A SIGTERM sent to this script alone is passed on.
for (const signal of ["SIGINT", "SIGHUP"]) process.on(signal, () => {});
process.on("SIGTERM", () => demo.kill("SIGTERM"));
demo.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
