/**
 * @module Prompt → conditioning. SD 1.x/2.x: the text encoder's `last_hidden_state`. SDXL: the penultimate hidden
 * states of both encoders concatenated per token (768 + 1280 = 2048 wide in the real model) and the second
 * encoder's pooled `text_embeds`, as in diffusers' `StableDiffusionXLPipeline.encode_prompt`.
 */
import type * as ort from "onnxruntime-node";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import type { ClipTokenizer } from "../../tokenizer/index.js";
import { describe, idsTensor, readFloats, requireValue } from "./session-io.js";
import type { TimedRun } from "./vae.js";

/** Which output of a text encoder feeds the UNet. */
export interface TextEncoderPlan {
  session: ort.InferenceSession;
  tokenizer: ClipTokenizer;
  /** `last_hidden_state`, or the penultimate `hidden_states.N` for SDXL. */
  hiddenOutput: string;
  /** `text_embeds` of SDXL's second encoder. */
  pooledOutput: string | undefined;
}

/**
 * Picks the outputs to use from a text encoder session.
 *
 * @throws {Error} when an SDXL encoder exports no `hidden_states.N` outputs, or a second encoder no `text_embeds`.
 * @example
 * planTextEncoder(session, tokenizer, "sdxl", 1).hiddenOutput; // "hidden_states.31" for a 32-layer encoder
 */
export function planTextEncoder(
  session: ort.InferenceSession,
  tokenizer: ClipTokenizer,
  sdxl: boolean,
  index: number,
): TextEncoderPlan {
  const outputs = describe(session, "output");
  const component = index === 0 ? "text_encoder" : "text_encoder_2";
  if (!sdxl) {
    requireValue(outputs, "last_hidden_state", component);
    return { session, tokenizer, hiddenOutput: "last_hidden_state", pooledOutput: undefined };
  }
  const layers = [...outputs.keys()]
    .map((n) => /^hidden_states\.(\d+)$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (layers.length < 2) {
    throw new Error(
      `${component} exports no hidden_states.N outputs; SDXL conditions on the penultimate layer (export with output_hidden_states)`,
    );
  }
  const pooledOutput = index === 1 ? requireValue(outputs, "text_embeds", component).name : undefined;
  return { session, tokenizer, hiddenOutput: `hidden_states.${layers.at(-2)}`, pooledOutput };
}

/** `input_ids` tensors per text encoder and batch shape, refilled by later requests. */
const idsPool = new ShapePool<ort.Tensor>();

/** Conditioning for a list of prompts. */
export interface Conditioning {
  /** [prompts, 77, ΣD] */
  hidden: Float32Array;
  width: number;
  /** [prompts, P] for SDXL */
  pooled: Float32Array | undefined;
  pooledWidth: number;
  truncatedTokens: number[];
  truncatedText: string[];
}

/**
 * Encodes `prompts` with every encoder (one batch per encoder).
 *
 * @example
 * const c = await encodePrompts(encoders, ["", "a cat"], run); // negative first, then positive
 */
export async function encodePrompts(
  encoders: TextEncoderPlan[],
  prompts: string[],
  run: TimedRun,
): Promise<Conditioning> {
  const n = prompts.length;
  const parts: { data: Float32Array; width: number }[] = [];
  let pooled: Float32Array | undefined;
  let pooledWidth = 0;
  let truncatedTokens: number[] = [];
  let truncatedText: string[] = [];
  for (let i = 0; i < encoders.length; i++) {
    const enc = encoders[i] as TextEncoderPlan;
    const tokenized = prompts.map((p) => enc.tokenizer.encode(p));
    if (i === 0) {
      truncatedTokens = tokenized.map((t) => t.truncatedTokens);
      truncatedText = tokenized.map((t) => t.truncatedText);
    }
    const length = enc.tokenizer.maxLength;
    const idsInfo = requireValue(
      describe(enc.session, "input"),
      "input_ids",
      i === 0 ? "text_encoder" : "text_encoder_2",
    );
    const key = shapeKey(n, length, 1);
    const ids = idsTensor(
      idsInfo,
      tokenized.map((t) => t.ids),
      idsPool.take(enc.session, key),
    );
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await run(i === 0 ? "text_encoder" : "text_encoder_2", enc.session, { input_ids: ids });
    } finally {
      idsPool.give(enc.session, key, ids);
    }
    const hidden = readFloats(out[enc.hiddenOutput]);
    parts.push({ data: hidden, width: hidden.length / (n * length) });
    if (enc.pooledOutput) {
      pooled = readFloats(out[enc.pooledOutput]);
      pooledWidth = pooled.length / n;
    }
  }
  const length = encoders[0]?.tokenizer.maxLength ?? 77;
  const width = parts.reduce((s, p) => s + p.width, 0);
  const hidden = parts.length === 1 ? (parts[0] as { data: Float32Array }).data : new Float32Array(n * length * width);
  if (parts.length > 1) {
    for (let row = 0; row < n * length; row++) {
      let at = row * width;
      for (const p of parts) {
        hidden.set(p.data.subarray(row * p.width, (row + 1) * p.width), at);
        at += p.width;
      }
    }
  }
  return { hidden, width, pooled, pooledWidth, truncatedTokens, truncatedText };
}

/**
 * Repeats each prompt's rows `times` times: [p0, p1] → [p0 × times, p1 × times]; `data` itself when `times` is 1.
 *
 * @example
 * repeatRows(Float32Array.of(1, 2), 2, 2); // [1, 1, 2, 2]
 */
export function repeatRows(data: Float32Array, rows: number, times: number): Float32Array {
  if (times === 1) return data;
  const size = data.length / rows;
  const out = new Float32Array(data.length * times);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < times; k++) out.set(data.subarray(r * size, (r + 1) * size), (r * times + k) * size);
  return out;
}
