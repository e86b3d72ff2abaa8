/**
 * @module Building a CLIP `tokenizer.json` (Hugging Face tokenizers format) from the `vocab.json` + `merges.txt` pair
 * that many Stable Diffusion folders ship instead. The pipeline is CLIP's: NFC, whitespace collapsed, lower-cased;
 * split on CLIP's word pattern; byte-level alphabet; BPE with a `</w>` end-of-word suffix; BOS/EOS around the sequence.
 */

/** CLIP's start and end tokens. */
export const CLIP_BOS = "<|startoftext|>";
export const CLIP_EOS = "<|endoftext|>";

/** CLIP's pre-tokenisation pattern (special tokens, English contractions, letter runs, single digits, other runs). */
const CLIP_SPLIT =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/**
 * The merges of a `merges.txt`: one "a b" pair a line, after an optional `#version` header.
 *
 * @example
 * parseMerges("#version: 0.2\nh e\nhe llo</w>\n"); // ["h e", "he llo</w>"]
 */
export function parseMerges(text: string): string[] {
  return text.split(/\r?\n/).filter((line, i) => line.trim() !== "" && !(i === 0 && line.startsWith("#version")));
}

/**
 * A `tokenizer.json` object for a CLIP BPE vocabulary.
 *
 * @throws {Error} when the vocabulary lacks CLIP's start or end token.
 * @example
 * const json = clipTokenizerJson(JSON.parse(vocabText), parseMerges(mergesText));
 * const tokenizer = new Tokenizer(json, {});
 */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[]): Record<string, unknown> {
  const special = (content: string) => {
    const id = vocab[content];
    if (typeof id !== "number") throw new Error(`vocab.json has no ${content} token, which a CLIP tokenizer needs`);
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true };
  };
  const bos = special(CLIP_BOS);
  const eos = special(CLIP_EOS);
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [bos, eos],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: CLIP_SPLIT }, behavior: "Removed", invert: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: [CLIP_EOS, eos.id],
      cls: [CLIP_BOS, bos.id],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: CLIP_EOS,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/**
 * GPT-2's reversible byte → printable character table, which byte-level BPE vocabularies are written in.
 *
 * @example
 * byteToUnicode()[32]; // "Ġ"
 */
export function byteToUnicode(): string[] {
  const printable = new Set<number>();
  for (let b = 33; b <= 126; b++) printable.add(b);
  for (let b = 161; b <= 172; b++) printable.add(b);
  for (let b = 174; b <= 255; b++) printable.add(b);
  let extra = 0;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable.has(b) ? b : 256 + extra++));
}
