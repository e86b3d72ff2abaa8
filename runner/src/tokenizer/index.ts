/** @module CLIP tokenization for the Stable Diffusion text encoders. */

export { type ClipTokenizer, loadClipTokenizer, type TokenizedPrompt, TokenizerLoadError } from "./clip-tokenizer.js";
export { byteToUnicode, CLIP_BOS, CLIP_EOS, clipTokenizerJson, parseMerges } from "./clip-tokenizer-json.js";
