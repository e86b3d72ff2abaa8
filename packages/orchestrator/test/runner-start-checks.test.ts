/**
 * @module Start-up errors for what would fail a runner at every start (a models directory that is not there, or is
 * not a directory, a warm model that is not installed, a flag the runner refuses): the orchestrator refuses to start,
 * naming the entry, instead of looking ready while it restarts the runner forever. A cold entry's missing model (or
 * models directory not there yet) is a warning.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LogFields } from "@ai-video-subnet/server-kit";
import { afterAll, describe, expect, it } from "vitest";
import { createOrchestrator } from "../src/orchestrator.js";
import { modelsDir, TINY } from "./helpers.js";

const models = modelsDir([TINY]);
afterAll(() => models.cleanup());
const warnings: string[] = [];
const log = { info() {}, error() {}, warn: (msg: string, _f?: LogFields) => void warnings.push(msg) };

describe("createOrchestrator refuses what would fail a runner at every start", () => {
  it("a models directory that is not there, for a warm entry; a warning for a cold one", async () => {
    const missing = join(models.dir, "..", "not-here");
    const warm = [{ pipeline: "upscale", model_id: TINY, warm: true }];
    await expect(
      createOrchestrator({ log, modelsDir: missing, models: warm, modelsSource: "ai.json" }),
    ).rejects.toThrow(
      `ai.json entry 0 (upscale "tiny/esrgan-x4"): the models directory ${missing} does not exist, so its runner cannot load the model and would fail at every start; install it (avs-runner models install tiny/esrgan-x4 --model-dir ${missing}) or point models-dir (--models-dir, AVS_ORCHESTRATOR_MODELS_DIR) at the directory the models are in`,
    );
    const file = join(models.dir, "..", "a-file");
    writeFileSync(file, "");
    // Cold entries too: it was a warning, then every job a 503 (advising `--model-dir <that file>`).
    for (const entry of [...warm, { pipeline: "upscale", model_id: TINY }]) {
      await expect(createOrchestrator({ log, modelsDir: file, models: [entry] })).rejects.toThrow(
        `models-dir (--models-dir, AVS_ORCHESTRATOR_MODELS_DIR): ${file} is not a directory; point it at the directory the models are installed in`,
      );
    }
    warnings.length = 0;
    const cold = await createOrchestrator({
      log,
      modelsDir: missing,
      models: [{ pipeline: "upscale", model_id: TINY }],
    });
    await cold.stop();
    expect(warnings).toEqual([
      `aiModels.json entry 0 (upscale "tiny/esrgan-x4"): the models directory ${missing} does not exist, so its runner cannot load the model: its jobs get 503 until it is there; install it (avs-runner models install tiny/esrgan-x4 --model-dir ${missing}) or point models-dir (--models-dir, AVS_ORCHESTRATOR_MODELS_DIR) at the directory the models are in`,
    ]);
  });

  it("a warm entry whose model folder is not there", async () => {
    const models2 = [
      { pipeline: "upscale", model_id: TINY, warm: true },
      { pipeline: "upscale", model_id: "tiny/typo", warm: true },
    ];
    await expect(createOrchestrator({ log, modelsDir: models.dir, models: models2, runnersPerGpu: 2 })).rejects.toThrow(
      `aiModels.json entry 1 (upscale "tiny/typo"): its model folder ${join(models.dir, "tiny/typo")} does not exist, so its runner cannot load the model and would fail at every start; install it (avs-runner models install tiny/typo --model-dir ${models.dir})`,
    );
  });

  it("a warm entry whose model folder holds another pipeline's model; a warning for a cold one", async () => {
    const folder = join(models.dir, TINY);
    const said = `${folder} holds an upscale model (avs-model.json), not a text-to-image one, so its runner cannot serve the entry`;
    const fix = "fix the entry's pipeline (upscale or video-upscale) or model_id";
    const entry = { pipeline: "text-to-image", model_id: TINY };
    await expect(
      createOrchestrator({ log, modelsDir: models.dir, models: [{ ...entry, warm: true }] }),
    ).rejects.toThrow(
      `aiModels.json entry 0 (text-to-image "tiny/esrgan-x4"): ${said} and would fail at every start; ${fix}`,
    );
    warnings.length = 0;
    const cold = await createOrchestrator({ log, modelsDir: models.dir, models: [entry] });
    await cold.stop();
    expect(warnings).toEqual([
      `aiModels.json entry 0 (text-to-image "tiny/esrgan-x4"): ${said}: its jobs get 503 until it is fixed; ${fix}`,
    ]);
  });

  it("a flag its runner refuses, from the entry or the orchestrator's environment", async () => {
    const entry = (flags: Record<string, unknown>) => [
      { pipeline: "upscale", model_id: TINY, warm: true, optimization_flags: flags },
    ];
    await expect(
      createOrchestrator({ log, modelsDir: models.dir, models: entry({ EXECUTION_PROVIDER: "tensorrt" }) }),
    ).rejects.toThrow(
      `aiModels.json entry 0 (upscale "tiny/esrgan-x4"): its runner would refuse to start: EXECUTION_PROVIDER must be cpu, cuda or webgpu, got "tensorrt"; fix the entry's optimization_flags (or that variable in the orchestrator's environment, which runners inherit)`,
    );
    await expect(
      createOrchestrator({ log, modelsDir: models.dir, models: entry({ INTRA_OP_THREADS: 5000 }) }),
    ).rejects.toThrow(/its runner would refuse to start: INTRA_OP_THREADS .*5000/);
    process.env.TILE_SIZE = "8";
    try {
      await expect(createOrchestrator({ log, modelsDir: models.dir, models: entry({}) })).rejects.toThrow(
        /its runner would refuse to start: TILE_SIZE .*8/,
      );
    } finally {
      delete process.env.TILE_SIZE;
    }
    // Livepeer's flags that this runner does not read are passed on and harmless.
    const ok = await createOrchestrator({ log, modelsDir: models.dir, models: entry({ SFAST: true, TILE_SIZE: 64 }) });
    await ok.stop();
  });
});
