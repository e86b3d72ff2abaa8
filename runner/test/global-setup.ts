/**
 * @module Runs once before the runner's tests: the tests exercise the real worker thread, which starts from the built
 * `dist/worker.js`, so a source file newer than that build means the tests would run old worker code. Rebuild
 * first (tsup, a few seconds) so a plain `vitest run` after an edit tests the edit.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, "dist", "worker.js")).mtimeMs;
  } catch {}
  if (built >= newestSource(join(ROOT, "src"))) return;
  console.log("runner: src/ is newer than dist/worker.js; rebuilding (tsup) so the tests run the current worker");
  execFileSync(process.execPath, [join(ROOT, "node_modules", "tsup", "dist", "cli-default.js")], {
    cwd: ROOT,
    stdio: "inherit",
  });
}
