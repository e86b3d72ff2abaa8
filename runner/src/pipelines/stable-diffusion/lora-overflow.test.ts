/**
 * @module A LoRA with huge but finite values (α = 1e30, or up and down of 1e18) merges without passing any weight's
 * range, but the UNet then overflows: the denoising loop refuses latents that are NaN, infinite or far past any
 * image's, naming the LoRAs, instead of answering a black image.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { BadRequestError } from "../../errors.js";
import { writeSafetensors } from "../../lora/index.js";
import { statusOf } from "../../server/http-errors.js";
import { job, tinyHarness } from "../../testing/sd-harness.js";
import { generate } from "./generate.js";

const h = tinyHarness();
afterAll(h.cleanup);
const K = "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k";

function install(id: string, up: number, down: number, alpha?: number): void {
  const dir = join(h.root, "models", id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pytorch_lora_weights.safetensors"),
    writeSafetensors({
      [`${K}.lora_down.weight`]: { shape: [2, 32], data: new Float32Array(64).fill(down) },
      [`${K}.lora_up.weight`]: { shape: [4, 2], data: new Float32Array(8).fill(up) },
      ...(alpha === undefined ? {} : { [`${K}.alpha`]: { shape: [], data: Float32Array.of(alpha) } }),
    }),
  );
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the job to fail");
}

it("refuses a LoRA that makes the UNet overflow with a 400 naming it, at any weight; a normal LoRA still runs", async () => {
  const { sd } = await h.model("overflow", "sd15");
  install("lora/hugealpha", 1, 1, 1e30);
  install("lora/bigvals", 1e18, 1e18);
  install("lora/good", 0.1, 0.2);
  for (const [id, weight] of [
    ["lora/hugealpha", 1],
    ["lora/hugealpha", 0.001],
    ["lora/bigvals", 1],
  ] as const) {
    const loras = [{ id, weight }];
    const adapted = await sd.loras.get(loras);
    const err = await failure(() => generate({ ...sd.components, unet: adapted.unet }, job({ loras })));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(statusOf(err)).toBe(400);
    expect(err.message).toMatch(
      new RegExp(
        `^the model's output overflowed at denoising step 1 of 3 \\(latents reached ([0-9.e+]+|NaN|Infinity); images need a few units, 10000 at most\\) with LoRA "${id}" at weight ${weight}: ` +
          "the LoRA's values are most likely too large for this model; use a smaller weight or another LoRA$",
      ),
    );
  }
  const loras = [{ id: "lora/good", weight: 1 }];
  const adapted = await sd.loras.get(loras);
  const { latents } = await generate({ ...sd.components, unet: adapted.unet }, job({ loras }));
  expect(latents.every(Number.isFinite)).toBe(true);
});

it("answers a 500-class error when the model overflows without a LoRA", async () => {
  const { sd } = await h.model("overflow-bare", "sd15");
  install("lora/huge2", 1, 1, 1e30);
  const adapted = await sd.loras.get([{ id: "lora/huge2", weight: 1 }]);
  // The overflowing UNet stands in for a damaged model: the job names no LoRA.
  const err = await failure(() => generate({ ...sd.components, unet: adapted.unet }, job()));
  expect(err).not.toBeInstanceOf(BadRequestError);
  // Not a domain error: the server answers it 500 "inference failed: …".
  expect(statusOf(err)).toBeUndefined();
  expect(err.message).toBe(
    "the model's output overflowed at denoising step 1 of 3 (latents reached 1.04e+31; images need a few units, 10000 " +
      "at most); its weights may be damaged",
  );
});
