/** @module The runner's version, read from its package.json (works from src/ and from the dist/ bundle). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The version of @ai-video-subnet/runner.
 * @example runnerVersion() // "0.1.0"
 */
export function runnerVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@ai-video-subnet/runner") {
        cached = pkg.version ?? "0.0.0";
        return cached;
      }
    }
    dir = dirname(dir);
  }
  cached = "0.0.0";
  return cached;
}
