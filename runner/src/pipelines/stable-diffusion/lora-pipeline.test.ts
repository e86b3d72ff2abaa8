/**
 * @module LoRAs through the whole pipeline: merged UNet and text-encoder weights give the reference latents computed
 * with hand-merged weights, for inline and external-data models; the session cache reuses and evicts.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectClose } from "../../../test/expect-close.js";
import { job, tinyHarness } from "../../testing/sd-harness.js";
import { referenceLatents } from "../../testing/sd-reference.js";
import { generate, type SdComponents } from "./generate.js";

const h = tinyHarness();
afterAll(h.cleanup);
const model = h.model;
const root = h.root;

describe("LoRAs through the pipeline", () => {
  it("matches the reference with W + weight·(α/r)·up·down merged into the UNet and the text encoder", async () => {
    const { sd, reference, dir } = await model("lora-base", "sd15");
    const loaded = sd as unknown as { components: SdComponents; loras: import("./lora-sessions.js").LoraSessionCache };
    const d = 32;
    const r = 2;
    const alpha = 1;
    const ramp = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => s * Math.cos(i));
    const upK = ramp(4 * r, 0.7);
    const downK = ramp(r * d, 0.9);
    const upQ = ramp(d * r, 0.3);
    const downQ = ramp(r * d, 0.2);
    const { writeSafetensors } = await import("../../lora/index.js");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const loraDir = join(root, "models", "org", "style");
    mkdirSync(loraDir, { recursive: true });
    writeFileSync(
      join(loraDir, "pytorch_lora_weights.safetensors"),
      writeSafetensors({
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight": { shape: [r, d], data: downK },
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.lora_B.weight": { shape: [4, r], data: upK },
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.alpha": {
          shape: [],
          data: Float32Array.of(alpha),
        },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight": { shape: [r, d], data: downQ },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight": { shape: [d, r], data: upQ },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.alpha": { shape: [], data: Float32Array.of(alpha) },
      }),
    );
    const weight = 0.6;
    /** W (in × out) + weight·(α/r)·(up·down)ᵀ, by hand. */
    const merged = (w: Float32Array, up: Float32Array, down: Float32Array, out: number, inn: number) => {
      const m = Float32Array.from(w);
      for (let o = 0; o < out; o++) {
        for (let j = 0; j < inn; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += (up[o * r + k] as number) * (down[k * inn + j] as number);
          m[j * out + o] = (m[j * out + o] as number) + weight * (alpha / r) * s;
        }
      }
      return m;
    };
    const { tinySdWeights } = await import("../../models/factory/sd-tiny-weights.js");
    const { loadClipTokenizer } = await import("../../tokenizer/index.js");
    const w = tinySdWeights("sd15", loadClipTokenizer(join(dir, "tokenizer")).vocabSize);
    const loras = [{ id: "org/style", weight }];
    const adapted = await loaded.loras.get(loras);
    expect(adapted.unet).not.toBe(loaded.components.unet);
    const { planTextEncoder } = await import("./text-encoding.js");
    const c = {
      ...loaded.components,
      unet: adapted.unet,
      textEncoders: adapted.textEncoders.map((s, i) =>
        planTextEncoder(s, loaded.components.textEncoders[i]?.tokenizer as never, false, i),
      ),
    };
    const j = job({ loras, numImages: 2 });
    const expected = referenceLatents(
      { ...reference, wk: merged(w.wk, upK, downK, 4, d), wq: merged(w.text[0]?.wq as Float32Array, upQ, downQ, d, d) },
      j,
    );
    expectClose((await generate(c, j)).latents, expected, 1e-5);
    expect(await loaded.loras.get([{ id: "org/style", weight }])).toBe(adapted);
    expect(loaded.loras.size).toBe(1);
    const withoutLora = (await generate(loaded.components, j)).latents;
    expect(Math.abs((withoutLora[0] as number) - (expected[0] as number))).toBeGreaterThan(1e-3);
  });
});

describe("LoRAs on a model with external weights (tiny/sdxl-turbo)", () => {
  it("merges into a temporary model, matches the reference, and removes it when evicted", async () => {
    const { sd, reference, dir } = await model("lora-xl", "sdxl-turbo");
    const loaded = sd as unknown as { components: SdComponents; loras: import("./lora-sessions.js").LoraSessionCache };
    const { writeSafetensors } = await import("../../lora/index.js");
    const { existsSync, mkdirSync, writeFileSync } = await import("node:fs");
    const d = 80;
    const up = Float32Array.from({ length: 4 }, (_, i) => 0.5 - i * 0.3);
    const down = Float32Array.from({ length: d }, (_, i) => Math.sin(i) * 0.4);
    for (const id of ["xl/a", "xl/b", "xl/c"]) {
      mkdirSync(join(root, "models", id), { recursive: true });
      writeFileSync(
        join(root, "models", id, "pytorch_lora_weights.safetensors"),
        writeSafetensors(
          {
            "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": {
              shape: [1, d],
              data: down,
            },
            "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": {
              shape: [4, 1],
              data: up,
            },
          },
          { ss_base_model_version: "sdxl_base_v1-0" },
        ),
      );
    }
    const { tinySdWeights } = await import("../../models/factory/sd-tiny-weights.js");
    const { loadClipTokenizer } = await import("../../tokenizer/index.js");
    const wk = Float32Array.from(tinySdWeights("sdxl-turbo", loadClipTokenizer(join(dir, "tokenizer")).vocabSize).wk);
    const weight = 1.5;
    for (let o = 0; o < 4; o++)
      for (let j = 0; j < d; j++)
        wk[j * 4 + o] = (wk[j * 4 + o] as number) + weight * (up[o] as number) * (down[j] as number);
    const loras = [{ id: "xl/a", weight }];
    const adapted = await loaded.loras.get(loras);
    const temp = adapted.tempDirs?.[0] as string;
    expect(existsSync(join(temp, "model.onnx"))).toBe(true);
    const j = job({ loras, guidanceScale: 0, numInferenceSteps: 2 });
    expectClose(
      (await generate({ ...loaded.components, unet: adapted.unet }, j)).latents,
      referenceLatents({ ...reference, wk }, j),
      1e-5,
    );
    await loaded.loras.get([{ id: "xl/b", weight }]);
    await loaded.loras.get([{ id: "xl/c", weight }]);
    expect(loaded.loras.size).toBe(2);
    expect(existsSync(temp)).toBe(false);
  });
});
