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
