/**
 * @module The parts of `models fetch` that need no server: flags and environment, `--include` patterns, layout plans,
 * progress output.
 */
import { describe, expect, it } from "vitest";
import { LayoutError, planLayout } from "./detect-layout.js";
import { fetchOptions } from "./fetch-cli.js";
import { globMatcher, selectPaths } from "./include.js";
import { formatBytes, jsonProgress, ttyProgress } from "./progress.js";
import { parseHttpDate, parseRetryAfter } from "./retry-after.js";

describe("flags and environment", () => {
  it("an empty env var counts as not set: the default hub and folder, no token", () => {
    expect(fetchOptions(["org/m"], { HF_ENDPOINT: "", MODEL_DIR: "", HF_TOKEN: "" })).toMatchObject({
      repo: "org/m",
      endpoint: "https://huggingface.co",
      modelDir: "/models",
      token: undefined,
    });
    expect(
      fetchOptions(["org/m"], { HF_ENDPOINT: "http://127.0.0.1:9", MODEL_DIR: "/m", HF_TOKEN: "t" }),
    ).toMatchObject({
      endpoint: "http://127.0.0.1:9",
      modelDir: "/m",
      token: "t",
    });
  });

  it("refuses a flag with an empty value or none, instead of taking 0, an empty revision or the current folder", () => {
    for (const args of [
      ["--retries="],
      ["--revision="],
      ["--model-dir="],
      ["--endpoint="],
      ["--model-id="],
      ["--include="],
      ["--stall-timeout="],
      ["--model-dir"],
      ["--revision", "--dry-run"],
      ["--retries", ""],
    ]) {
      const flag = args[0]!.replace(/=$/, "");
      expect(() => fetchOptions(["org/m", ...args], {}), args.join(" ")).toThrow(new Error(`${flag} needs a value`));
    }
    expect(fetchOptions(["org/m", "--retries=0", "--revision=v2"], {})).toMatchObject({ retries: 0, revision: "v2" });
    expect(() => fetchOptions(["org/m", "--retries=-1"], {})).toThrow(
      new Error('--retries must be a whole number from 0 to 1000, got "-1"'),
    );
  });

  it("refuses an endpoint that is no http(s) URL, naming where it came from", () => {
    expect(() => fetchOptions(["org/m"], { HF_ENDPOINT: "huggingface.co" })).toThrow(
      new Error('HF_ENDPOINT must be an http(s) URL such as https://huggingface.co, got "huggingface.co"'),
    );
    expect(() => fetchOptions(["org/m", "--endpoint", "ftp://hub"], {})).toThrow(
      new Error('--endpoint must be an http(s) URL such as https://huggingface.co, got "ftp://hub"'),
    );
  });
});

describe("--include patterns (fnmatch, as huggingface_hub's allow_patterns)", () => {
  it("matches whole paths, * crossing /, ? one character, sets and negated sets", () => {
    expect(globMatcher("*.json")("scheduler/scheduler_config.json")).toBe(true);
    expect(globMatcher("*.json")("model.json.bak")).toBe(false);
    expect(globMatcher("unet/*")("unet/model.onnx_data")).toBe(true);
    expect(globMatcher("unet/*")("vae_decoder/unet/x")).toBe(false);
    expect(globMatcher("model.onnx?data")("model.onnx_data")).toBe(true);
    expect(globMatcher("text_encoder[_2]*/model.onnx")("text_encoder_2/model.onnx")).toBe(true);
    expect(globMatcher("[!u]*")("unet/model.onnx")).toBe(false);
    expect(globMatcher("a.b")("axb")).toBe(false);
    expect(globMatcher("(x)+")("(x)+")).toBe(true);
  });

  it("a pattern ending in / takes the folder; no pattern takes everything", () => {
    const paths = ["model_index.json", "onnx/unet/model.onnx", "unet/diffusion_pytorch_model.safetensors"];
    expect(selectPaths(paths, ["onnx/"])).toEqual(["onnx/unet/model.onnx"]);
    expect(selectPaths(paths, ["*.json", "*.onnx"])).toEqual(["model_index.json", "onnx/unet/model.onnx"]);
    expect(selectPaths(paths, [])).toEqual(paths);
  });
});

describe("layout plans from a repository's file list", () => {
  const sd = [
    "model_index.json",
    "unet/model.onnx",
    "unet/weights.pb",
    "text_encoder/model.onnx",
    "vae_decoder/model.onnx",
    "scheduler/scheduler_config.json",
    "tokenizer/vocab.json",
  ];

  it("finds a diffusers ONNX pipeline at the top or under one subfolder", () => {
    expect(planLayout(sd)).toEqual({ kind: "diffusers", root: "" });
    expect(
      planLayout(["README.md", "model_index.json", ...sd.slice(1).map((p) => `onnx/${p}`), "onnx/model_index.json"]),
    ).toEqual({
      kind: "diffusers",
      root: "onnx",
    });
  });

  it("picks the single-file model: model.onnx, then onnx/model.onnx, then the only .onnx", () => {
    expect(planLayout(["model.onnx", "onnx/model.onnx"])).toEqual({ kind: "single-onnx", file: "model.onnx" });
    expect(planLayout(["config.json", "onnx/model.onnx", "onnx/model_fp16.onnx"])).toEqual({
      kind: "single-onnx",
      file: "onnx/model.onnx",
    });
    expect(planLayout(["RealESRGAN_x4plus.onnx", "README.md"])).toEqual({
      kind: "single-onnx",
      file: "RealESRGAN_x4plus.onnx",
    });
  });

  it("takes a LoRA by its diffusers name or as the only .safetensors", () => {
    expect(planLayout(["pytorch_lora_weights.safetensors", "other.safetensors"])).toEqual({
      kind: "lora",
      file: "pytorch_lora_weights.safetensors",
    });
    expect(planLayout(["style.safetensors", "README.md"])).toEqual({ kind: "lora", file: "style.safetensors" });
  });

  it("refuses, before downloading, what the runner cannot use, saying what to do", () => {
    const refuse = (paths: string[], message: RegExp) => {
      expect(() => planLayout(paths)).toThrow(LayoutError);
      expect(() => planLayout(paths)).toThrow(message);
    };
    refuse(
      ["model_index.json", "unet/diffusion_pytorch_model.safetensors"],
      /without an ONNX export .*--revision onnx/,
    );
    refuse(
      sd.slice(0, 3),
      /the ONNX pipeline lacks text_encoder\/model.onnx, vae_decoder\/model.onnx, scheduler\/scheduler_config.json, tokenizer\/ among the files to fetch; widen --include/,
    );
    refuse(
      ["onnx/model_index.json", "onnx/unet/model.onnx", "onnx/image_encoder/model.onnx"],
      /the ONNX pipeline under onnx\/ lacks vae_decoder\/model.onnx, scheduler/,
    );
    refuse(
      ["a.onnx", "b.onnx"],
      /several ONNX files and none is model.onnx \(a.onnx, b.onnx\); pick one with --include, e.g. --include "a.onnx"/,
    );
    refuse(
      ["e1.safetensors", "e2.safetensors"],
      /several .safetensors files .*e1.safetensors, e2.safetensors.*--include/,
    );
    refuse(
      ["pytorch_model.bin", "config.json"],
      /no ONNX model and no LoRA among the files \(pytorch_model.bin, config.json\)/,
    );
  });
});

describe("Retry-After (RFC 9110 §10.2.3)", () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  it("reads delta-seconds and the three HTTP-date forms, and nothing else", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sunday, 01-Jun-25 12:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sun Jun  1 12:00:05 2025", now)).toBe(5000);
    // RFC 9110's example date; an RFC 850 year more than 50 years ahead is the century before's.
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(784_111_777_000);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(784_111_777_000);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(784_111_777_000);
    for (const v of [
      "-1",
      "1.5",
      "1e3",
      "soon",
      "",
      "1, 2",
      "Sun, 31 Jun 2025 12:00:30 GMT",
      "Sun, 01 Jun 2025 24:00:30 GMT",
      "Sun, 01 Jun 2025 12:00:30 UTC",
      "sun, 01 jun 2025 12:00:30 gmt",
      "Sun, 01 Jun 2025 11:59:59 GMT",
      null,
    ]) {
      expect(parseRetryAfter(v, now), String(v)).toBeUndefined();
    }
  });
});

describe("progress", () => {
  it("JSON lines: one object per event, byte counts at most once per interval per file plus the last", () => {
    const lines: string[] = [];
    let t = 0;
    const p = jsonProgress(
      (l) => lines.push(l),
      1000,
      () => t,
    );
    p.listed({ repo: "org/m", revision: "main", commit: "abc", files: 1, bytes: 300 });
    p.fileStart("m.onnx", 300, 0);
    p.bytes("m.onnx", 100, 300);
    t = 500;
    p.bytes("m.onnx", 200, 300);
    t = 600;
    p.bytes("m.onnx", 300, 300);
    p.fileDone("m.onnx", 300, "ff", false);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(["listed", "start", "progress", "progress", "file"]);
    expect(events.filter((e) => e.event === "progress").map((e) => e.bytes)).toEqual([100, 300]);
    expect(events[4]).toEqual({ event: "file", file: "m.onnx", size: 300, sha256: "ff", reused: false });
  });

  it("a terminal bar: redrawn in place with the share, sizes and file; finished files get a line", () => {
    let text = "";
    let t = 0;
    const p = ttyProgress({ write: (s) => (text += s), columns: 200 }, 100, () => t);
    p.listed({ repo: "org/m", revision: "main", commit: "0123456789abcdef", files: 2, bytes: 2_000_000 });
    p.fileStart("a.onnx", 1_000_000, 0);
    t = 1000;
    p.bytes("a.onnx", 1_000_000, 1_000_000);
    p.fileDone("a.onnx", 1_000_000, "ff", false);
    p.fileStart("b.onnx", 1_000_000, 0);
    expect(text).toContain("org/m@main (0123456789ab): 2 files, 2.0 MB\n");
    expect(text).toContain("\r\x1b[K[############............]  50% 1.0 MB/2.0 MB 1.0 MB/s a.onnx");
    expect(text).toContain("\r\x1b[K✓ a.onnx 1.0 MB\n");
    expect(text.endsWith("] 50% 1.0 MB/2.0 MB 1.0 MB/s b.onnx".replace("] 50%", "]  50%"))).toBe(true);
    p.retry("b.onnx", 1, 5, "the server answered 429", { waitMs: 30_000, retryAfterMs: 30_000 });
    expect(text).toContain(
      "\r\x1b[Kb.onnx: the server answered 429; retry 1 from byte 5 in 30 s, as the server asked (Retry-After: 30 s)\n",
    );
    p.listingRetry?.(2, "x answered 503", { waitMs: 2000, retryAfterMs: 1000 });
    expect(text).toContain(
      "x answered 503; retry 2 of the listing in 2 s, longer than the server asked (Retry-After: 1 s)\n",
    );
    p.listingRetry?.(1, "x answered 500", { waitMs: 10, retryAfterMs: undefined });
    expect(text.endsWith("x answered 500; retry 1 of the listing in 0.01 s\n")).toBe(true);
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(2_500_000_000)).toBe("2.5 GB");
  });
});
