/**
 * @module `avs-runner models install tiny/film` and `models verify` on FILM models: the signature is recognised and
 * reported, and a model fed in the wrong range fails its identity probe with advice.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { modelsDir } from "../../../test/helpers.js";
import { verifyModel } from "../../models/verify.js";

const BIN = fileURLToPath(new URL("../../../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);

it("installs tiny/film and verifies it from the command line, reporting its FILM signature", async () => {
  const models = await modelsDir([]);
  try {
    const install = await run("node", [BIN, "models", "install", "tiny/film", "--model-dir", models.dir]);
    expect(install.stdout).toContain("installed tiny/film (tiny test model)");
    const verify = await run("node", [BIN, "models", "verify", "tiny/film", "--model-dir", models.dir]);
    expect(verify.stdout.trim()).toBe(
      "ok tiny/film: frame-interpolation, inputs [x0,x1,time] → outputs [image]; FILM: x0, x1 NHWC float32 0..1, " +
        "time [1,1], output image, sides padded to ×64 [tiny test model]",
    );
    const report = await verifyModel(models.dir, "tiny/film");
    expect(report).toMatchObject({ pixels_in_graph: true, identity_error: 0, film: { layout: "nhwc", align: 64 } });
  } finally {
    await models.cleanup();
  }
}, 60_000);

it("fails the identity probe of a model fed in the wrong value range, naming the setting", async () => {
  const models = await modelsDir(["tiny/film"]);
  try {
    const file = join(models.dir, "tiny/film/avs-model.json");
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, "utf8")), value_range: "0..255" }));
    await expect(verifyModel(models.dir, "tiny/film")).rejects.toThrow(
      /^tiny\/film: two identical 72×36 frames interpolated at t = 0\.5 came back [\d.]+ levels away on average \(at most 3 expected\); check value_range \(now 0\.\.255\) and layout \(now nhwc\) in avs-model\.json$/,
    );
  } finally {
    await models.cleanup();
  }
});
