/** @module The CLIP tokenizer on the generated tiny vocabulary, in both folder formats. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tinyClipVocab, writeTinyTokenizerFolder } from "../models/factory/sd-tokenizer.js";
import { PROMPT_CACHE_SIZE } from "./clip-tokenizer.js";
import { loadClipTokenizer, TokenizerLoadError } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "avs-tokenizer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const { vocab } = tinyClipVocab();
const BOS = vocab["<|startoftext|>"] as number;
const EOS = vocab["<|endoftext|>"] as number;
const BANG = vocab["!"] as number;

function folder(name: string, format: "tokenizer.json" | "vocab+merges", padToken: string): string {
  const dir = join(root, name);
  writeTinyTokenizerFolder(dir, { format, padToken });
  return dir;
}

describe("loadClipTokenizer", () => {
  const fromJson = loadClipTokenizer(folder("json", "tokenizer.json", "<|endoftext|>"));
  const fromPair = loadClipTokenizer(folder("pair", "vocab+merges", "<|endoftext|>"));

  it("encodes words, lower-cases and collapses spaces, wraps in BOS/EOS and pads to 77", () => {
    const { ids, truncatedTokens } = fromJson.encode("A   Photo of  the CAT");
    const words = ["a</w>", "photo</w>", "of</w>", "the</w>", "cat</w>"].map((w) => vocab[w] as number);
    expect(ids.slice(0, 7)).toEqual([BOS, ...words, EOS]);
    expect(ids.length).toBe(77);
    expect(ids.slice(7)).toEqual(new Array(70).fill(EOS));
    expect(truncatedTokens).toBe(0);
  });

  it("splits unknown words into the pieces the merges allow", () => {
    // "cats": the merge "c a" (from "cat") applies, "ca t</w>" does not (t is not word-final here).
    const { ids } = fromJson.encode("cats!");
    expect(ids.slice(0, 7)).toEqual([BOS, vocab.ca, vocab.t, vocab["s</w>"], vocab["!</w>"], EOS, EOS]);
  });

  it("gives the same ids from vocab.json + merges.txt as from tokenizer.json", () => {
    for (const prompt of ["a red horse riding on mars, painting", "Astronaut!!  12 é", ""]) {
      expect(fromPair.encode(prompt).ids).toEqual(fromJson.encode(prompt).ids);
    }
  });

  it("pads with the pad token the folder declares", () => {
    const bang = loadClipTokenizer(folder("bang", "vocab+merges", "!"));
    expect(bang.padId).toBe(BANG);
    const { ids } = bang.encode("cat");
    expect(ids.slice(0, 3)).toEqual([BOS, vocab["cat</w>"], EOS]);
    expect(ids.slice(3)).toEqual(new Array(74).fill(BANG));
  });

  it("truncates to 77 ending with EOS and reports what was cut", () => {
    const words = Array.from({ length: 80 }, (_, i) => (i < 75 ? "cat" : "dog"));
    const { ids, truncatedTokens, truncatedText } = fromJson.encode(words.join(" "));
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(BOS);
    expect(ids.slice(1, 76)).toEqual(new Array(75).fill(vocab["cat</w>"]));
    expect(ids[76]).toBe(EOS);
    expect(truncatedTokens).toBe(5);
    expect(truncatedText).toBe("dog dog dog dog dog");
  });

  it("remembers recent prompts: a repeat returns the same frozen result, an evicted one is encoded again equal", () => {
    const tokenizer = loadClipTokenizer(folder("cache", "tokenizer.json", "<|endoftext|>"));
    const first = tokenizer.encode("a red cat");
    expect(tokenizer.encode("a red cat")).toBe(first);
    expect(Object.isFrozen(first.ids)).toBe(true);
    for (let i = 0; i < PROMPT_CACHE_SIZE; i++) tokenizer.encode(`cat ${i}`);
    const again = tokenizer.encode("a red cat");
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("fails to load with a reason", () => {
    expect(() => loadClipTokenizer(join(root, "missing"))).toThrow(TokenizerLoadError);
    expect(() => loadClipTokenizer(join(root, "missing"))).toThrow(
      /neither tokenizer.json nor vocab.json \+ merges.txt/,
    );
    const bad = folder("badpad", "tokenizer.json", "<pad>");
    expect(() => loadClipTokenizer(bad)).toThrow(/pad token "<pad>" is not in the vocabulary/);
    const broken = folder("broken", "tokenizer.json", "!");
    writeFileSync(join(broken, "tokenizer.json"), "{nope");
    expect(() => loadClipTokenizer(broken)).toThrow(/cannot read .*tokenizer.json/);
  });
});
