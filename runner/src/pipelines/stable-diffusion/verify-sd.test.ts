/** @module `models verify` on Stable Diffusion folders: a good tiny model passes, a broken one fails with the reason. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { modelsDir } from "../../../test/helpers.js";
import { verifyModel } from "../../models/verify.js";

it("verifies tiny/sdxl-turbo by running it, and names a missing component", async () => {
  const models = await modelsDir(["tiny/sdxl-turbo", "tiny/sd15"]);
  try {
    const report = await verifyModel(models.dir, "tiny/sdxl-turbo");
    expect(report).toMatchObject({
      model_id: "tiny/sdxl-turbo",
      pipeline: "text-to-image",
      tiny: true,
      family: "sdxl",
      scheduler: "EulerAncestralDiscreteScheduler",
      inputs: ["sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"],
      outputs: ["out_sample"],
      components: ["text_encoder", "text_encoder_2", "unet", "vae_decoder"],
    });
    rmSync(join(models.dir, "tiny/sd15/unet/model.onnx"));
    await expect(verifyModel(models.dir, "tiny/sd15")).rejects.toThrow(/tiny\/sd15\/unet\/model.onnx is missing/);
  } finally {
    await models.cleanup();
  }
});
