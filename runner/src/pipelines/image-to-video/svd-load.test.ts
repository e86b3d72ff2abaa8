/**
 * @module Loading SVD folders: what the worker reports about a good one, the memory options its sessions open with
 * (and that they leave the frames' bytes unchanged), and a failure naming the cause for each way a folder can be
 * unusable.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SVD_SCHEDULER_CONFIG, writeTinySvdModel } from "../../models/factory/svd-tiny.js";
import { GraphBuilder } from "../../onnx/graph-builder.js";
import type { SessionMemory } from "../../onnx/session.js";
import { loadSvd, SVD_SESSION_MEMORY } from "./svd-load.js";
import { collect, params, svdHarness } from "./tiny-svd-harness.js";

const h = svdHarness();
afterAll(h.cleanup);

/** Writes a tiny/svd folder, lets `spoil` break it, and loads it. */
async function loadSpoiled(name: string, spoil: (dir: string) => void) {
  const dir = join(h.root, "spoiled", name);
  writeTinySvdModel(dir, "svd");
  spoil(dir);
  return loadSvd({ modelId: name, modelPath: dir, executionProvider: "cpu", intraOpThreads: 1, log: () => {} });
}

/** Rewrites a JSON file with `patch` merged in (an undefined value removes the key). */
const editJson = (file: string, patch: Record<string, unknown>) =>
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), ...patch }));

describe("installing tiny/svd and tiny/svd-xt", () => {
  it("`avs-runner models install` writes a folder that `models verify` loads and runs", async () => {
    const bin = fileURLToPath(new URL("../../../bin/avs-runner.mjs", import.meta.url));
    const modelDir = join(h.root, "installed");
    const run = promisify(execFile);
    for (const [id, frames] of [
      ["tiny/svd", 14],
      ["tiny/svd-xt", 25],
    ] as const) {
      const install = await run("node", [bin, "models", "install", id, "--model-dir", modelDir]);
      expect(install.stdout).toContain(`installed ${id} (tiny test model)`);
      const manifest = JSON.parse(readFileSync(join(modelDir, id, "avs-model.json"), "utf8"));
      expect(manifest).toMatchObject({ model_id: id, pipeline: "image-to-video", tiny: true, frames });
      const verify = await run("node", [bin, "models", "verify", id, "--model-dir", modelDir]);
      expect(verify.stdout).toContain(
        `ok ${id}: image-to-video, inputs [sample,timestep,encoder_hidden_states,added_time_ids] → outputs [out_sample] [tiny test model]`,
      );
    }
    const list = await run("node", [bin, "models", "list", "--available"]);
    expect(list.stdout).toMatch(
      /tiny\/svd-xt\s+image-to-video\s+\[tiny\] tiny Stable Video Diffusion XT layout \(25 frames/,
    );
  }, 60_000);
});

describe("the sessions' memory options", () => {
  const load = (dir: string, memory?: SessionMemory) =>
    loadSvd({
      modelId: "tiny/svd",
      modelPath: dir,
      executionProvider: "cpu",
      intraOpThreads: 1,
      log: () => {},
      ...(memory ? { memory } : {}),
    });

  it("open every session without the memory pattern, the arena only for the UNet and the decoder, and give the same bytes as ORT's defaults", async () => {
    const dir = join(h.root, "memory", "svd");
    writeTinySvdModel(dir, "svd");
    const create = vi.spyOn(ort.InferenceSession, "create");
    const lean = await load(dir);
    try {
      const options = create.mock.calls.map((call) => call[1] as ort.InferenceSession.SessionOptions);
      // image encoder, VAE encoder, UNet, temporal decoder (the CLIP preparation is JavaScript)
      expect(options).toHaveLength(4);
      expect(options.map((o) => [o.enableCpuMemArena, o.enableMemPattern])).toEqual([
        [false, false],
        [false, false],
        [true, false],
        [true, false],
      ]);
      expect(Object.values(SVD_SESSION_MEMORY).every((m) => !m.memPattern)).toBe(true);
    } finally {
      create.mockRestore();
    }
    const defaults = await load(dir, { cpuArena: true, memPattern: true });
    try {
      for (const seed of [42, 7]) {
        const a = await collect(lean.components, params({ seed }));
        const b = await collect(defaults.components, params({ seed }));
        expect(a.frames).toHaveLength(14);
        expect(Buffer.concat(a.frames).equals(Buffer.concat(b.frames))).toBe(true);
      }
    } finally {
      await Promise.all([lean.release(), defaults.release()]);
    }
  });
});

describe("loading an SVD folder", () => {
  it("reports the frame count, the scheduler and what runs in the graph", async () => {
    const { svd } = await h.model("svd", "svd");
    expect(svd.provider).toBe("cpu");
    expect(svd.info).toEqual({
      num_frames: 14,
      scheduler: "EulerDiscreteScheduler",
      prediction_type: "v_prediction",
      timestep_type: "continuous",
      karras_sigmas: true,
      image_embed_dim: 16,
      decoder_takes_num_frames: true,
      pixels_in_graph: true,
      safety_checker: false,
    });
    expect(svd.components.index.vaeScalingFactor).toBe(0.18215);
  });

  const failures: [string, (dir: string) => void, RegExp][] = [
    [
      "a missing component",
      (d) => rmSync(join(d, "vae_decoder"), { recursive: true }),
      /vae_decoder\/model\.onnx is missing/,
    ],
    [
      "a missing feature extractor config",
      (d) => rmSync(join(d, "feature_extractor"), { recursive: true }),
      /feature_extractor\/preprocessor_config\.json is missing/,
    ],
    [
      "a broken image_std",
      (d) => editJson(join(d, "feature_extractor/preprocessor_config.json"), { image_std: [0.2, 0] }),
      /image_std must be three positive numbers/,
    ],
    [
      "a Stable Diffusion folder",
      (d) => editJson(join(d, "model_index.json"), { _class_name: "StableDiffusionPipeline" }),
      /describes a StableDiffusionPipeline; image-to-video needs a StableVideoDiffusionPipeline folder/,
    ],
    [
      "a scheduler other than Euler",
      (d) =>
        writeFileSync(
          join(d, "scheduler/scheduler_config.json"),
          JSON.stringify({ ...SVD_SCHEDULER_CONFIG, _class_name: "DDIMScheduler", use_karras_sigmas: false }),
        ),
      /image-to-video runs EulerDiscreteScheduler \(as SVD ships\), got DDIMScheduler/,
    ],
    [
      "a symbolic frame dimension without num_frames in unet/config.json",
      (d) => {
        writeTinySvdModel(d, "svd", { frames: "dynamic" });
        editJson(join(d, "unet/config.json"), { num_frames: undefined });
      },
      /frame dimension is symbolic and unet\/config.json has no num_frames/,
    ],
    [
      "an int64 timestep",
      (d) => writeFileSync(join(d, "unet/model.onnx"), unetWith({ timestep: "int64" })),
      /unet timestep is int64; SVD's timesteps are continuous/,
    ],
    [
      "a UNet input the pipeline does not feed",
      (d) => writeFileSync(join(d, "unet/model.onnx"), unetWith({ extra: "controlnet_cond" })),
      /unet has inputs this runner does not feed: controlnet_cond/,
    ],
  ];
  for (const [what, spoil, message] of failures) {
    it(`fails with the reason for ${what}`, async () => {
      await expect(loadSpoiled(what.replace(/[^a-z0-9]+/gi, "-"), spoil)).rejects.toThrow(message);
    });
  }
});

/** A UNet with SVD's inputs (one changed) whose output is its sample's first half. */
function unetWith(o: { timestep?: "int64"; extra?: string }): Uint8Array {
  const g = new GraphBuilder("odd-unet");
  const sample = g.input("sample", "float32", ["batch", 14, 8, "h", "w"]);
  g.input("timestep", o.timestep ?? "float32", []);
  g.input("encoder_hidden_states", "float32", ["batch", 1, 16]);
  g.input("added_time_ids", "float32", ["batch", 3]);
  if (o.extra) g.input(o.extra, "float32", ["batch", 3]);
  const ints = (name: string, v: number[]) =>
    g.initializer(name, "int64", [v.length], BigInt64Array.from(v.map(BigInt)));
  const half = g.node("Slice", [sample, ints("s", [0]), ints("e", [4]), ints("a", [2])]);
  g.output(half, "out_sample", "float32", ["batch", 14, 4, "h", "w"]);
  return g.toBytes();
}
