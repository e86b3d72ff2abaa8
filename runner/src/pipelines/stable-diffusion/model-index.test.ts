import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSdModelIndex } from "./model-index.js";

const work = mkdtempSync(join(tmpdir(), "avs-sd-index-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("readSdModelIndex", () => {
  it("says model_index.json lists a missing component only when it does", () => {
    const listed = join(work, "listed");
    mkdirSync(listed);
    writeFileSync(
      join(listed, "model_index.json"),
      JSON.stringify({ text_encoder: ["transformers", "CLIPTextModel"] }),
    );
    expect(() => readSdModelIndex(listed)).toThrow(
      `${join(listed, "text_encoder", "model.onnx")} is missing (model_index.json lists text_encoder)`,
    );
    const unlisted = join(work, "unlisted");
    mkdirSync(unlisted);
    writeFileSync(join(unlisted, "model_index.json"), JSON.stringify({ unet: ["diffusers", "UNet2DConditionModel"] }));
    expect(() => readSdModelIndex(unlisted)).toThrow(
      `${join(unlisted, "text_encoder", "model.onnx")} is missing (Stable Diffusion needs text_encoder/)`,
    );
  });
});

it("gives a missing text-to-image model the `models install` hint the upscaler gives", async () => {
  const { loadSd } = await import("./sd-worker.js");
  const dir = join(work, "org", "missing");
  const load = loadSd({
    modelId: "org/missing",
    modelPath: dir,
    executionProvider: "cpu",
    intraOpThreads: 1,
    options: {},
    log: () => {},
  });
  await expect(load).rejects.toThrow(
    `${dir}/model_index.json does not exist; install the model with \`avs-runner models install org/missing\``,
  );
});
