/**
 * @module Fixtures of the `models fetch` tests (used by tests only): repositories for the local hub — a tiny Stable
 * Diffusion ONNX export with a DPM++ scheduler (revisions with and without ONNX, and under `onnx/`), single-file
 * upscaler and FILM-style models, a large file for the flaky-connection cases, LoRAs (one private) — and helpers
 * that read folders and the hub's request log.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { writeSafetensors } from "../src/lora/index.js";
import { TINY_SD_DEFAULTS, writeTinySdModel } from "../src/models/factory/sd-tiny.js";
import { type FetchModelOptions, fetchModel } from "../src/models/fetch/fetch-model.js";
import { jsonProgress } from "../src/models/fetch/progress.js";
import { GraphBuilder } from "../src/onnx/index.js";
import { tinyEsrganModel } from "../src/testing/index.js";
import { type LocalHub, type LocalRepo, startLocalHub } from "./local-hub.js";

/**
 * Every file under `dir`, by `/`-separated relative path.
 *
 * @example folder("/models/org/sd")["unet/model.onnx"]; // its bytes
 */
export function folder(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split("\\").join("/")] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

function prefixed(files: Record<string, Uint8Array>, prefix: string): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(files).map(([p, b]) => [prefix + p, b]));
}

/** A FILM-style interpolator: frames x0, x1 [N,3,H,W] and time [N,1] → x0 + t·(x1 − x0). */
function tinyFilm(): Uint8Array {
  const g = new GraphBuilder("tiny-film");
  const x0 = g.input("x0", "float32", ["N", 3, "H", "W"]);
  const x1 = g.input("x1", "float32", ["N", 3, "H", "W"]);
  const t = g.input("time", "float32", ["N", 1]);
  const shape = g.initializer("shape", "int64", [4], BigInt64Array.of(-1n, 1n, 1n, 1n));
  const t4 = g.node("Reshape", [t, shape]);
  const mixed = g.node("Add", [x0, g.node("Mul", [g.node("Sub", [x1, x0]), t4])]);
  g.output(mixed, "image", "float32", ["N", 3, "H", "W"]);
  return g.toBytes();
}

/**
 * A one-layer kohya LoRA whose weights scale with `scale` (different bytes per scale).
 *
 * @example lora(2).length; // a few hundred bytes
 */
export function lora(scale: number): Uint8Array {
  return writeSafetensors({
    "lora_unet_mid_block_proj_out.lora_down.weight": { shape: [1, 2], data: Float32Array.of(0, 3 * scale) },
    "lora_unet_mid_block_proj_out.lora_up.weight": { shape: [2, 1], data: Float32Array.of(1, 1) },
  });
}

/** The token that opens `org/private`. */
export const TOKEN = "hf_test_token";

/**
 * A temporary folder with the fixture repositories' contents and a fresh models folder per call of `modelDir()`.
 *
 * @example const f = fetchFixtures(); const hub = await startLocalHub(f.repos, TOKEN);
 */
export function fetchFixtures() {
  const work = mkdtempSync(join(tmpdir(), "avs-fetch-"));
  // SD 1.5's betas, with the DPM++ 2M Karras scheduler many fine-tunes ship.
  const scheduler = {
    ...TINY_SD_DEFAULTS.sd15.scheduler,
    _class_name: "DPMSolverMultistepScheduler",
    use_karras_sigmas: true,
  };
  writeTinySdModel(join(work, "src", "sd"), "sd15", { externalData: true, scheduler });
  const sd = folder(join(work, "src", "sd"));
  const eulerConfig = Buffer.from(
    JSON.stringify({ _class_name: "EulerDiscreteScheduler", beta_schedule: "scaled_linear" }),
  );
  const pytorchIndex = Buffer.from(
    JSON.stringify({ _class_name: "StableDiffusionPipeline", unet: ["diffusers", "UNet2DConditionModel"] }),
  );
  const pytorchUnet = randomBytes(2048);
  const big = randomBytes(3_000_000);
  const esrgan = tinyEsrganModel(4);
  const repos: Record<string, LocalRepo> = {
    "org/sd": {
      revisions: {
        main: { "model_index.json": pytorchIndex, "unet/diffusion_pytorch_model.safetensors": pytorchUnet },
        onnx: { ...sd, "unet/diffusion_pytorch_model.safetensors": pytorchUnet, "README.md": Buffer.from("# sd\n") },
        "onnx-v2": { ...sd, "scheduler/scheduler_config.json": eulerConfig },
      },
    },
    "org/sd-sub": {
      revisions: {
        main: { "model_index.json": pytorchIndex, "README.md": Buffer.from("# sub\n"), ...prefixed(sd, "onnx/") },
      },
    },
    "org/esrgan": {
      revisions: {
        main: { "config.json": Buffer.from("{}"), "onnx/model.onnx": esrgan, "onnx/model_quantized.onnx": esrgan },
      },
    },
    "org/big": { revisions: { main: { "model.onnx": esrgan, "weights.data": big } } },
    "org/film": { revisions: { main: { "film_net.onnx": tinyFilm() } } },
    // A repository file whose name is another's plus ".part", the suffix partial downloads once had.
    "org/parts": { revisions: { main: { "model.onnx.part": Buffer.from("notes\n"), "model.onnx": esrgan } } },
    "org/lora": {
      revisions: {
        main: { "pytorch_lora_weights.safetensors": lora(1), "README.md": Buffer.from("a LoRA\n") },
        v2: { "pytorch_lora_weights.safetensors": lora(2), "README.md": Buffer.from("a LoRA\n") },
      },
    },
    "org/private": { private: true, revisions: { main: { "adapter_model.safetensors": lora(1) } } },
  };
  let dirs = 0;
  return { work, repos, sd, eulerConfig, big, esrgan, modelDir: () => join(work, `models-${++dirs}`) };
}

/** Fast retries for tests. */
export const QUICK = { retryDelayMs: 10, stallMs: 5000 };

/**
 * Readers of the hub's request log from index `from` on: `resolve` requests of one path, and CDN requests.
 *
 * @example requestsOf(hub).cdn(before).length;
 */
export function requestsOf(hub: LocalHub) {
  return {
    resolves: (from: number, path: string) =>
      hub.requests
        .slice(from)
        .filter((r) => r.server === "hub" && r.url.includes("/resolve/") && r.url.endsWith(`/${path}`)),
    cdn: (from: number) => hub.requests.slice(from).filter((r) => r.server === "cdn"),
  };
}

/**
 * Fetches from `hub` with JSON progress, the outcome as data: the result or the error thrown, the progress events,
 * and the requests the hub logged meanwhile.
 *
 * @example const { result, events, seen } = await fetchLogged(hub, { repo: "org/film", modelDir });
 */
export async function fetchLogged(hub: LocalHub, options: Omit<FetchModelOptions, "endpoint" | "progress">) {
  const from = hub.requests.length;
  const lines: string[] = [];
  const progress = jsonProgress((l) => lines.push(l));
  const result = await fetchModel({ ...options, endpoint: hub.endpoint, progress }).catch((e: Error) => e);
  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { result, events, seen: hub.requests.slice(from) };
}

/**
 * Hidden entries (staging folders, locks) left in `dir/org`.
 *
 * @example stagingLeft("/models", "org"); // []
 */
export function stagingLeft(dir: string, org: string): string[] {
  return existsSync(join(dir, org)) ? readdirSync(join(dir, org)).filter((n) => n.startsWith(".")) : [];
}

/**
 * The fixtures served by a local hub for the tests of one file (started before them, closed and removed after).
 *
 * @example const fx = useLocalHubFixtures(); it("…", () => fetchModel({ endpoint: fx.hub.endpoint, … }));
 */
export function useLocalHubFixtures() {
  const f = fetchFixtures();
  let hub: LocalHub | undefined;
  beforeAll(async () => {
    hub = await startLocalHub(f.repos, TOKEN);
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(f.work, { recursive: true, force: true });
  });
  return {
    ...f,
    get hub(): LocalHub {
      if (!hub) throw new Error("the local hub starts in beforeAll");
      return hub;
    },
  };
}
