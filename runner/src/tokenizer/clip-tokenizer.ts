/**
 * @module The CLIP tokenizer of a Stable Diffusion folder (`tokenizer/`, `tokenizer_2/`): from `tokenizer.json`, or
 * built from `vocab.json` + `merges.txt`; ids padded or truncated to `model_max_length` (77) with the pad token the
 * folder declares (`<|endoftext|>` for SD 1.x, `!` for SD 2.x and SDXL's second encoder).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { Lru } from "../internal/lru.js";
import { CLIP_EOS, clipTokenizerJson, parseMerges } from "./clip-tokenizer-json.js";

/** How many distinct prompt texts each tokenizer remembers. */
export const PROMPT_CACHE_SIZE = 64;

/** The ids of one prompt, ready for the text encoder. */
export interface TokenizedPrompt {
  /** Exactly `maxLength` ids: BOS, tokens, EOS, then pad ids (shared between calls with the same text: do not modify). */
  readonly ids: readonly number[];
  /** The tokens cut off to fit, decoded back to text; empty when nothing was cut. */
  truncatedText: string;
  /** How many tokens were cut off. */
  truncatedTokens: number;
}

/** A CLIP tokenizer with its fixed length and pad token. */
export interface ClipTokenizer {
  readonly maxLength: number;
  readonly padId: number;
  readonly vocabSize: number;
  /**
   * Tokenises, truncates and pads one prompt. The last {@link PROMPT_CACHE_SIZE} distinct texts are remembered, so a
   * repeated prompt (a negative prompt, a retry, a batch of seeds) costs a map lookup.
   *
   * @example
   * tokenizer.encode("a photo of a cat").ids.length; // 77
   */
  encode(text: string): TokenizedPrompt;
}

/** Thrown when a tokenizer folder cannot be read; the model fails to load with this message. */
export class TokenizerLoadError extends Error {
  override name = "TokenizerLoadError";
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (cause) {
    throw new TokenizerLoadError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** A token setting of tokenizer_config.json / special_tokens_map.json: a string or an AddedToken object. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/**
 * Loads the tokenizer in `dir`.
 *
 * @throws {TokenizerLoadError} when neither `tokenizer.json` nor `vocab.json` + `merges.txt` is there, or the pad token
 *   is not in the vocabulary.
 * @example
 * const tokenizer = loadClipTokenizer("/models/tiny/sd15/tokenizer");
 * const { ids, truncatedTokens } = tokenizer.encode(prompt);
 */
export function loadClipTokenizer(dir: string): ClipTokenizer {
  const config = existsSync(join(dir, "tokenizer_config.json")) ? readJson(join(dir, "tokenizer_config.json")) : {};
  const specialMap = existsSync(join(dir, "special_tokens_map.json"))
    ? readJson(join(dir, "special_tokens_map.json"))
    : {};
  let json: Record<string, unknown>;
  if (existsSync(join(dir, "tokenizer.json"))) {
    json = readJson(join(dir, "tokenizer.json"));
  } else if (existsSync(join(dir, "vocab.json")) && existsSync(join(dir, "merges.txt"))) {
    const vocab = readJson(join(dir, "vocab.json")) as Record<string, number>;
    try {
      json = clipTokenizerJson(vocab, parseMerges(readFileSync(join(dir, "merges.txt"), "utf8")));
    } catch (cause) {
      throw new TokenizerLoadError(`${dir}: ${(cause as Error).message}`, { cause });
    }
  } else {
    throw new TokenizerLoadError(`${dir} holds neither tokenizer.json nor vocab.json + merges.txt`);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (cause) {
    throw new TokenizerLoadError(`${dir}: unusable tokenizer: ${(cause as Error).message}`, { cause });
  }
  const maxLength =
    typeof config.model_max_length === "number" && config.model_max_length <= 1024 ? config.model_max_length : 77;
  const padToken = tokenContent(config.pad_token) ?? tokenContent(specialMap.pad_token) ?? CLIP_EOS;
  const padId = tokenizer.token_to_id(padToken);
  if (padId === undefined)
    throw new TokenizerLoadError(`${dir}: pad token ${JSON.stringify(padToken)} is not in the vocabulary`);
  const eosId = tokenizer.token_to_id(CLIP_EOS);
  const vocabSize = tokenizer.get_vocab(true).size;
  const encode = (text: string): TokenizedPrompt => {
    const full = tokenizer.encode(text).ids;
    let ids = full;
    let truncatedTokens = 0;
    let truncatedText = "";
    if (full.length > maxLength) {
      // Keep BOS + the first maxLength−2 tokens and close with EOS, as transformers' truncation does.
      const cut = full.slice(maxLength - 1, full.length - 1);
      truncatedTokens = cut.length;
      truncatedText = tokenizer.decode(cut, { skip_special_tokens: true }).trim();
      ids = [...full.slice(0, maxLength - 1), eosId ?? (full.at(-1) as number)];
    }
    const padded = Object.freeze([...ids, ...new Array<number>(maxLength - ids.length).fill(padId)]);
    return Object.freeze({ ids: padded, truncatedText, truncatedTokens });
  };
  const cache = new Lru<string, TokenizedPrompt>(PROMPT_CACHE_SIZE);
  return {
    maxLength,
    padId,
    vocabSize,
    encode: (text) => cache.getOrSet(text, encode),
  };
}
