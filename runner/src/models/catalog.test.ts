/** @module Every catalog model installs without a network, loads, and has the scale its id promises. */
import { describe, expect, it } from "vitest";
import { modelsDir } from "../../test/helpers.js";
import { CATALOG, catalogEntry } from "./catalog.js";
import { installModel } from "./install.js";
import { installedModels } from "./layout.js";
import { verifyModel } from "./verify.js";

describe("model catalog", () => {
  it("installs and verifies every upscaler, marking tiny ones", async () => {
    const models = await modelsDir([]);
    const upscalers = CATALOG.filter((c) => c.pipeline === "upscale");
    try {
      for (const entry of upscalers) await installModel(entry.id, models.dir);
      const listed = await installedModels(models.dir);
      expect(listed.map((m) => m.model_id)).toEqual(upscalers.map((c) => c.id).sort());
      expect(listed.filter((m) => m.tiny).map((m) => m.model_id)).toEqual(["tiny/esrgan-x4"]);
      expect(upscalers.filter((c) => !c.tiny)).toHaveLength(12);
      for (const entry of upscalers) {
        const report = await verifyModel(models.dir, entry.id);
        expect(report.scale).toBe(Number(/x(\d)$/.exec(entry.id)![1]));
        expect(report).toMatchObject({ inputs: ["input"], outputs: ["output"], tiny: entry.tiny });
      }
    } finally {
      await models.cleanup();
    }
  }, 60_000);

  it("names what can be installed when the id is unknown, and refuses ids that escape MODEL_DIR", async () => {
    expect(() => catalogEntry("upscalerjs/esrgan-huge-x4")).toThrow(
      /installable: .*tiny\/esrgan-x4, .*upscalerjs\/esrgan-slim-x2/,
    );
    const models = await modelsDir([]);
    try {
      await expect(verifyModel(models.dir, "../etc")).rejects.toThrow('invalid model id "../etc"');
      await expect(verifyModel(models.dir, "tiny/esrgan-x4")).rejects.toThrow("tiny/esrgan-x4 is not installed");
    } finally {
      await models.cleanup();
    }
  });
});
