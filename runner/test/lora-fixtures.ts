/** @module LoRA files for the runner's tests on the tiny Stable Diffusion models, written where `loras` finds them. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeSafetensors } from "../src/lora/index.js";

/** Installs a LoRA on the tiny SD UNet's attn2.to_k (4 × D) and text encoder q_proj (D × D), kohya style. */
export function installLora(models: string, id: string, d: number, metadata: Record<string, string> = {}) {
  const dir = join(models, id);
  mkdirSync(dir, { recursive: true });
  const ramp = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => s * Math.sin(i + 1));
  writeFileSync(
    join(dir, "pytorch_lora_weights.safetensors"),
    writeSafetensors(
      {
        "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": {
          shape: [2, d],
          data: ramp(2 * d, 0.5),
        },
        "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": {
          shape: [4, 2],
          data: ramp(8, 0.5),
        },
        "lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": { shape: [1, d], data: ramp(d, 0.2) },
        "lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight": { shape: [d, 1], data: ramp(d, 0.2) },
      },
      metadata,
    ),
  );
}
