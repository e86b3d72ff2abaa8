/**
 * @module The merged-session cache follows the LoRA files: a deleted LoRA is "not installed" though its merge is
 * cached, and a file replaced in place (or a folder re-fetched) is merged again, not served from the old merge.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { BadRequestError } from "../../errors.js";
import { writeSafetensors } from "../../lora/index.js";
import { job, tinyHarness } from "../../testing/sd-harness.js";
import { generate } from "./generate.js";

const h = tinyHarness();
afterAll(h.cleanup);
const K = "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k";

function write(dir: string, value: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pytorch_lora_weights.safetensors"),
    writeSafetensors({
      [`${K}.lora_A.weight`]: { shape: [1, 32], data: new Float32Array(32).fill(value) },
      [`${K}.lora_B.weight`]: { shape: [4, 1], data: new Float32Array(4).fill(0.5) },
    }),
  );
}

it("serves a replaced LoRA's new merge, and refuses a deleted one although its merge is cached", async () => {
  const { sd } = await h.model("cache", "sd15");
  const dir = join(h.root, "models", "org", "mut");
  const loras = [{ id: "org/mut", weight: 1 }];
  const latents = async () => {
    const adapted = await sd.loras.get(loras);
    return Array.from((await generate({ ...sd.components, unet: adapted.unet }, job({ loras }))).latents);
  };
  write(dir, 0.1);
  const first = await latents();
  expect(await latents()).toEqual(first);
  expect(sd.loras.size).toBe(1);

  rmSync(dir, { recursive: true });
  await expect(sd.loras.get(loras)).rejects.toThrow(BadRequestError);
  await expect(sd.loras.get(loras)).rejects.toThrow(/^LoRA "org\/mut": not installed: a LoRA id is/);

  write(dir, 0.3);
  const replaced = await latents();
  expect(replaced).not.toEqual(first);
  // Written over in place (same path and size, another inode via rename): merged again, back to the first values.
  write(`${dir}.new`, 0.1);
  renameSync(join(`${dir}.new`, "pytorch_lora_weights.safetensors"), join(dir, "pytorch_lora_weights.safetensors"));
  expect(await latents()).toEqual(first);
});
