/**
 * @module `models verify` of a fetched model whose files changed after the fetch: every file `avs-model.json`
 * records a sha256 for is hashed, and a flipped byte, an overwritten or a missing file is named; `quick` skips it.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUICK, useLocalHubFixtures } from "../../test/fetch-fixtures.js";
import { fetchModel } from "./fetch/fetch-model.js";
import { installModel } from "./install.js";
import { verifyModel } from "./verify.js";

const f = useLocalHubFixtures();

/** org/esrgan fetched into a fresh models folder: config.json, model.onnx, model_quantized.onnx. */
async function fetched() {
  const dir = f.modelDir();
  await fetchModel({ repo: "org/esrgan", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
  return { dir, folder: join(dir, "org", "esrgan") };
}

describe("models verify against avs-model.json's sha256", () => {
  it("hashes every recorded file of an intact model and says so", async () => {
    const { dir } = await fetched();
    const heard: unknown[] = [];
    const report = await verifyModel(dir, "org/esrgan", { onHashing: (c) => heard.push(c) });
    const bytes = f.esrgan.length * 2 + 2;
    expect(heard).toEqual([{ files: 3, bytes }]);
    expect(report).toMatchObject({ pipeline: "upscale", scale: 4, hashed: { files: 3, bytes } });
  });

  it("names a flipped byte in model.onnx, an overwritten config.json and a missing file, all at once", async () => {
    const { dir, folder } = await fetched();
    const model = readFileSync(join(folder, "model.onnx"));
    model[model.length - 3] = (model[model.length - 3] as number) ^ 0x01;
    writeFileSync(join(folder, "model.onnx"), model);
    writeFileSync(join(folder, "config.json"), "[]");
    rmSync(join(folder, "model_quantized.onnx"));
    const failed = verifyModel(dir, "org/esrgan");
    await expect(failed).rejects.toThrow(
      new RegExp(
        "^3 of 3 files of org/esrgan differ from the sha256 avs-model.json records: " +
          "config.json has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}; " +
          "model.onnx has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}; " +
          "model_quantized.onnx is missing\\. Fetch the model again",
      ),
    );
    writeFileSync(join(folder, "config.json"), "[1]");
    await expect(verifyModel(dir, "org/esrgan")).rejects.toThrow(/config.json has 3 bytes, recorded 2;/);
  });

  it("with quick skips the hashing and only loads the model", async () => {
    const { dir, folder } = await fetched();
    writeFileSync(join(folder, "config.json"), "[]");
    const heard: unknown[] = [];
    const report = await verifyModel(dir, "org/esrgan", { quick: true, onHashing: (c) => heard.push(c) });
    expect(report).toMatchObject({ pipeline: "upscale", scale: 4 });
    expect(report.hashed).toBeUndefined();
    expect(heard).toEqual([]);
  });

  it("a model installed from the catalog records no hashes: nothing to hash", async () => {
    const dir = f.modelDir();
    await installModel("tiny/esrgan-x4", dir);
    const heard: unknown[] = [];
    const report = await verifyModel(dir, "tiny/esrgan-x4", { onHashing: (c) => heard.push(c) });
    expect(report).toMatchObject({ pipeline: "upscale", tiny: true });
    expect(report.hashed).toBeUndefined();
    expect(heard).toEqual([]);
  });
});
