/**
 * @module `avs-runner models list` as a CLI user reads it: every readable model is listed under its folder's id (the
 * MODEL_ID that serves it, symlinked folders too), a broken avs-model.json is a warning naming its path, and the exit
 * status says something was skipped.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { modelsDir } from "./helpers.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);
const models = await modelsDir(["tiny/esrgan-x4"]);
afterAll(() => models.cleanup());

it("lists every readable model by folder id, follows symlinks, warns of a broken folder and exits 1", async () => {
  const dir = models.dir;
  mkdirSync(join(dir, "org"), { recursive: true });
  cpSync(join(dir, "tiny", "esrgan-x4"), join(dir, "org", "copied"), { recursive: true });
  renameSync(join(dir, "org", "copied"), join(dir, "org", "renamed"));
  symlinkSync(join(dir, "tiny", "esrgan-x4"), join(dir, "org", "linked"));
  mkdirSync(join(dir, "org", "broken"));
  writeFileSync(join(dir, "org", "broken", "avs-model.json"), "{nope");
  const listing = await run("node", [BIN, "models", "list", "--model-dir", dir]).then(
    () => {
      throw new Error("expected exit status 1");
    },
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  expect(listing.code).toBe(1);
  expect(listing.stdout.split("\n").filter(Boolean)).toEqual([
    `${"org/linked".padEnd(32)} ${"upscale".padEnd(10)} [tiny test model] (avs-model.json says tiny/esrgan-x4: renamed or copied)`,
    `${"org/renamed".padEnd(32)} ${"upscale".padEnd(10)} [tiny test model] (avs-model.json says tiny/esrgan-x4: renamed or copied)`,
    `${"tiny/esrgan-x4".padEnd(32)} ${"upscale".padEnd(10)} [tiny test model]`,
  ]);
  const broken = join(dir, "org", "broken");
  expect(listing.stderr).toMatch(
    new RegExp(`^avs-runner: warning: ${broken}/avs-model.json is not valid JSON \\(.*\\); ${broken} is not listed\\n`),
  );
  expect(listing.stderr).toMatch(new RegExp(`\\navs-runner: 1 model folder\\(s\\) could not be read: ${broken}\\n$`));
});
