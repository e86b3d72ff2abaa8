/**
 * @module A small generated CLIP vocabulary and the tokenizer files of a tiny Stable Diffusion folder, in either
 * format real folders use (`tokenizer.json`, or `vocab.json` + `merges.txt`), with the configs that declare the pad token.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { byteToUnicode, CLIP_BOS, CLIP_EOS, clipTokenizerJson } from "../../tokenizer/clip-tokenizer-json.js";

/** Words that get whole-word tokens in the tiny vocabulary (anything else falls back to byte-level pieces). */
const WORDS = [
  "a",
  "photo",
  "of",
  "the",
  "cat",
  "dog",
  "red",
  "blue",
  "green",
  "house",
  "astronaut",
  "riding",
  "horse",
  "on",
  "mars",
  "painting",
];

/** A BPE vocabulary and its merges. */
export interface TinyClipVocab {
  vocab: Record<string, number>;
  merges: string[];
}

/**
 * The tiny vocabulary: the 256 byte symbols, the same with `</w>`, whole-word merges for {@link WORDS}, then BOS/EOS
 * last (as in CLIP). About 560 entries, so a tiny text encoder's embedding table stays small.
 *
 * @example
 * tinyClipVocab().vocab["cat</w>"]; // a single token
 */
export function tinyClipVocab(): TinyClipVocab {
  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  };
  const bytes = byteToUnicode();
  for (const c of bytes) add(c);
  for (const c of bytes) add(`${c}</w>`);
  const merges: string[] = [];
  for (const word of WORDS) {
    const symbols = [...word].map((c, i, all) => (i === all.length - 1 ? `${c}</w>` : c));
    let left = symbols[0] as string;
    for (const right of symbols.slice(1)) {
      const merge = `${left} ${right}`;
      if (!merges.includes(merge)) merges.push(merge);
      left += right;
      add(left);
    }
  }
  add(CLIP_BOS);
  add(CLIP_EOS);
  return { vocab, merges };
}

/** How to write a tokenizer folder. */
export interface TokenizerFolderOptions {
  /** `tokenizer.json` (one file) or `vocab+merges` (the pair older exports ship). */
  format: "tokenizer.json" | "vocab+merges";
  /** The pad token declared in tokenizer_config.json (`<|endoftext|>` for SD 1.x, `!` for SD 2.x / SDXL's second). */
  padToken: string;
}

/**
 * Writes `dir` with the tiny vocabulary in the chosen format plus `tokenizer_config.json` and `special_tokens_map.json`.
 *
 * @example
 * writeTinyTokenizerFolder(join(root, "tokenizer"), { format: "vocab+merges", padToken: "<|endoftext|>" });
 */
export function writeTinyTokenizerFolder(dir: string, options: TokenizerFolderOptions): number {
  const { vocab, merges } = tinyClipVocab();
  mkdirSync(dir, { recursive: true });
  if (options.format === "tokenizer.json") {
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(clipTokenizerJson(vocab, merges)));
  } else {
    writeFileSync(join(dir, "vocab.json"), JSON.stringify(vocab));
    writeFileSync(join(dir, "merges.txt"), `#version: 0.2\n${merges.join("\n")}\n`);
  }
  const specials = { bos_token: CLIP_BOS, eos_token: CLIP_EOS, unk_token: CLIP_EOS, pad_token: options.padToken };
  writeFileSync(
    join(dir, "tokenizer_config.json"),
    JSON.stringify(
      { tokenizer_class: "CLIPTokenizer", model_max_length: 77, do_lower_case: true, ...specials },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, "special_tokens_map.json"), JSON.stringify(specials, null, 2));
  return Object.keys(vocab).length;
}
