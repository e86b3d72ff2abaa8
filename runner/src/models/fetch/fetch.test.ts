/**
 * @module `models fetch` of whole repositories against a real local Hugging Face-style server (local-f.hub.ts): files
 * byte for byte, include patterns, revisions, a pipeline under `onnx/` moved into place, unchanged files kept,
 * single-file models and LoRAs, and `models verify` on what was fetched.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folder, QUICK, requestsOf, stagingLeft, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import { memoryLogger, testConfig } from "../../../test/helpers.js";
import { readLora } from "../../lora/index.js";
import { startRunnerServer } from "../../server/serve.js";
import { MANIFEST, readManifest } from "../layout.js";
import { verifyModel } from "../verify.js";
import { fetchModel } from "./fetch-model.js";
import { HubError } from "./hub-api.js";

const f = useLocalHubFixtures();
const { sd, esrgan } = f;

describe("a Stable Diffusion ONNX repository", () => {
  it("fetches a revision's included files byte for byte, records them, and verifies (DPM++), also without the manifest", async () => {
    const dir = f.modelDir();
    const before = f.hub.requests.length;
    const r = await fetchModel({
      repo: "org/sd",
      revision: "onnx",
      include: ["*.json", "*.txt", "*.onnx", "*.onnx_data"],
      endpoint: f.hub.endpoint,
      modelDir: dir,
      ...QUICK,
    });
    expect(r.pipeline).toBe("text-to-image");
    expect(r.commit).toBe(f.hub.commit("org/sd", "onnx"));
    const got = folder(join(dir, "org", "sd"));
    expect(Object.keys(got).sort()).toEqual([...Object.keys(sd), MANIFEST].sort());
    for (const [p, bytes] of Object.entries(sd)) expect(Buffer.compare(got[p] as Uint8Array, bytes), p).toBe(0);
    expect(requestsOf(f.hub).resolves(before, "unet/diffusion_pytorch_model.safetensors")).toHaveLength(0);
    expect(requestsOf(f.hub).cdn(before).length).toBeGreaterThan(3);
    const manifest = await readManifest(join(dir, "org", "sd"));
    expect(manifest).toMatchObject({
      model_id: "org/sd",
      pipeline: "text-to-image",
      pipelines: ["text-to-image", "image-to-image"],
      tiny: false,
      revision: "onnx",
      commit: f.hub.commit("org/sd", "onnx"),
      source_layout: "diffusers-onnx",
      source: `${f.hub.endpoint}/org/sd`,
    });
    const unet = ((manifest?.files ?? []) as Array<{ path: string; sha256: string; size: number }>).find(
      (f) => f.path === "unet/model.onnx_data",
    );
    expect(unet?.sha256).toBe(
      createHash("sha256")
        .update(sd["unet/model.onnx_data"] as Uint8Array)
        .digest("hex"),
    );
    expect(stagingLeft(dir, "org")).toEqual([]);

    const report = (await verifyModel(dir, "org/sd")) as Awaited<ReturnType<typeof verifyModel>> & {
      scheduler: string;
    };
    expect(report).toMatchObject({ pipeline: "text-to-image", scheduler: "DPMSolverMultistepScheduler" });
    rmSync(join(dir, "org", "sd", MANIFEST));
    expect(await verifyModel(dir, "org/sd")).toMatchObject({ pipeline: "text-to-image", tiny: false });
  });

  it("serves the fetched DPM++ model: text-to-image over HTTP, the same bytes for the same seed", async () => {
    const dir = f.modelDir();
    const include = ["*.json", "*.txt", "*.onnx", "*.onnx_data"];
    await fetchModel({ repo: "org/sd", revision: "onnx", include, endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    const server = await startRunnerServer(
      testConfig(dir, { pipeline: "text-to-image", modelId: "org/sd" }),
      memoryLogger(),
    );
    try {
      await server.runner.ready;
      const ask = () =>
        fetch(`${server.url}/text-to-image`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "a red cat", width: 32, height: 24, num_inference_steps: 6, seed: 3 }),
        });
      const res = await ask();
      expect(res.status).toBe(200);
      const body = (await res.json()) as { images: Array<{ url: string; seed: number }> };
      expect(body.images[0]?.seed).toBe(3);
      expect(body.images[0]?.url.startsWith("data:image/png;base64,")).toBe(true);
      expect(((await (await ask()).json()) as typeof body).images[0]?.url).toBe(body.images[0]?.url);
    } finally {
      await server.stop();
    }
  });

  it("refuses a revision without an ONNX export before downloading anything; an unknown revision is a 404", async () => {
    const dir = f.modelDir();
    const before = f.hub.requests.length;
    await expect(fetchModel({ repo: "org/sd", endpoint: f.hub.endpoint, modelDir: dir })).rejects.toThrow(
      /without an ONNX export .*--revision onnx/,
    );
    expect(f.hub.requests.slice(before).filter((r) => r.url.includes("/resolve/"))).toHaveLength(0);
    expect(existsSync(join(dir, "org"))).toBe(false);
    const missing = fetchModel({ repo: "org/sd", revision: "v9", endpoint: f.hub.endpoint, modelDir: dir });
    await expect(missing).rejects.toThrow(HubError);
    await expect(
      fetchModel({ repo: "org/sd", revision: "v9", endpoint: f.hub.endpoint, modelDir: dir }),
    ).rejects.toThrow(/revision "v9" of org\/sd was not found \(404: Invalid rev id: v9\)/);
  });

  it("moves a pipeline found under onnx/ to the top of the model folder", async () => {
    const dir = f.modelDir();
    const r = await fetchModel({ repo: "org/sd-sub", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK });
    expect(r.pipeline).toBe("text-to-image");
    const got = folder(join(dir, "org", "sd-sub"));
    expect(Object.keys(got).sort()).toEqual([...Object.keys(sd), "README.md", MANIFEST].sort());
    expect(Buffer.compare(got["model_index.json"] as Uint8Array, sd["model_index.json"] as Uint8Array)).toBe(0);
    const files = (await readManifest(join(dir, "org", "sd-sub")))?.files as Array<{ path: string; local: string }>;
    expect(files.find((f) => f.local === "unet/model.onnx")?.path).toBe("onnx/unet/model.onnx");
    expect(files.filter((f) => f.local === "model_index.json")).toEqual([
      expect.objectContaining({ path: "onnx/model_index.json" }),
    ]);
  });

  it("keeps the files that did not change since the fetched version and downloads the rest", async () => {
    const dir = f.modelDir();
    await fetchModel({
      repo: "org/sd",
      revision: "onnx",
      include: ["*.json", "*.txt", "*.onnx*"],
      endpoint: f.hub.endpoint,
      modelDir: dir,
      ...QUICK,
    });
    const before = f.hub.requests.length;
    const r = await fetchModel({
      repo: "org/sd",
      revision: "onnx-v2",
      endpoint: f.hub.endpoint,
      modelDir: dir,
      ...QUICK,
    });
    const fetched = f.hub.requests.slice(before).filter((q) => q.url.includes("/resolve/"));
    expect(fetched.map((q) => q.url.slice(q.url.indexOf("/resolve/") + 50))).toEqual([
      "scheduler/scheduler_config.json",
    ]);
    expect(r.downloaded).toBe(f.eulerConfig.length);
    const got = folder(join(dir, "org", "sd"));
    expect(Buffer.compare(got["scheduler/scheduler_config.json"] as Uint8Array, f.eulerConfig)).toBe(0);
    expect(Buffer.compare(got["unet/model.onnx_data"] as Uint8Array, sd["unet/model.onnx_data"] as Uint8Array)).toBe(0);
    expect((await readManifest(join(dir, "org", "sd")))?.commit).toBe(f.hub.commit("org/sd", "onnx-v2"));
  });
});

describe("single-file models and LoRAs", () => {
  it("takes onnx/model.onnx as model.onnx (an upscaler, verified ×4) and a FILM-style file as a frame interpolator", async () => {
    const dir = f.modelDir();
    expect((await fetchModel({ repo: "org/esrgan", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK })).pipeline).toBe(
      "upscale",
    );
    expect(Buffer.compare(readFileSync(join(dir, "org", "esrgan", "model.onnx")), esrgan)).toBe(0);
    expect(existsSync(join(dir, "org", "esrgan", "onnx"))).toBe(false);
    expect(await verifyModel(dir, "org/esrgan")).toMatchObject({ pipeline: "upscale", scale: 4 });
    expect((await fetchModel({ repo: "org/film", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK })).pipeline).toBe(
      "frame-interpolation",
    );
    expect(readdirSync(join(dir, "org", "film")).sort()).toEqual([MANIFEST, "model.onnx"]);
    expect(await verifyModel(dir, "org/film")).toMatchObject({
      pipeline: "frame-interpolation",
      inputs: ["x0", "x1", "time"],
      outputs: ["image"],
    });
  });

  it("puts a LoRA where the LoRA reader looks, and verify reads its layers", async () => {
    const dir = f.modelDir();
    expect((await fetchModel({ repo: "org/lora", endpoint: f.hub.endpoint, modelDir: dir, ...QUICK })).pipeline).toBe(
      "lora",
    );
    expect(readLora(dir, { id: "org/lora", weight: 1 }).layers).toHaveLength(1);
    expect((await verifyModel(dir, "org/lora")).summary).toBe(
      "1 LoRA layer (unet) in pytorch_lora_weights.safetensors",
    );
    // What a caller only hears as "not installed", the operator's verify names.
    renameSync(join(dir, "org/lora/pytorch_lora_weights.safetensors"), join(dir, "org/lora/a.safetensors"));
    writeFileSync(join(dir, "org/lora/b.safetensors"), "");
    await expect(verifyModel(dir, "org/lora")).rejects.toThrow(
      /^1 of 2 files of org\/lora differ from the sha256 avs-model.json records: pytorch_lora_weights.safetensors is missing\./,
    );
    await expect(verifyModel(dir, "org/lora", { quick: true })).rejects.toThrow(
      /^org\/lora holds no LoRA: .*org\/lora holds 2 \.safetensors files and none is pytorch_lora_weights\.safetensors/,
    );
  });

  it("a dry run lists and writes nothing; a fetch already running for the model is refused", async () => {
    const dir = f.modelDir();
    const r = await fetchModel({ repo: "org/esrgan", endpoint: f.hub.endpoint, modelDir: dir, dryRun: true });
    expect(r.files.map((f) => [f.path, f.local])).toEqual([
      ["config.json", "config.json"],
      ["onnx/model.onnx", "model.onnx"],
      ["onnx/model_quantized.onnx", "model_quantized.onnx"],
    ]);
    expect(existsSync(dir)).toBe(false);
    const lockFile = join(dir, "org", `.fetching-esrgan@${f.hub.commit("org/esrgan", "main")}.lock`);
    mkdirSync(join(dir, "org"), { recursive: true });
    writeFileSync(lockFile, "1");
    await expect(fetchModel({ repo: "org/esrgan", endpoint: f.hub.endpoint, modelDir: dir })).rejects.toThrow(
      /another fetch \(pid 1\) is writing/,
    );
  });
});
