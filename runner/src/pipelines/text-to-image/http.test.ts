/**
 * @module text-to-image and image-to-image through real runner servers on tiny SD models: good requests, LoRAs,
 * determinism, and the bad-input matrix (each bad request gets its status and message, and the server keeps serving).
 */
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  decodeDataUrl,
  memoryLogger,
  modelsDir,
  pngZlibLevel,
  servedRunner,
  testConfig,
  testImage,
  upscaleForm,
} from "../../../test/helpers.js";
import { installLora } from "../../../test/lora-fixtures.js";
import { startRunnerServer } from "../../server/serve.js";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("POST /text-to-image (tiny/sd15)", () => {
  const { server, log } = servedRunner(
    ["tiny/sd15"],
    {
      pipeline: "text-to-image",
      modelId: "tiny/sd15",
      maxSdWork: 64 * 64 * 2 * 8,
      pngCompression: 9,
      maxLoraBytes: 64 * 1024,
    },
    {
      prepare: (dir) => {
        installLora(dir, "styles/red", 32);
        installLora(dir, "pastel", 32);
        installLora(dir, "styles/xl", 32, { ss_base_model_version: "sdxl_base_v1-0" });
        installLora(dir, "styles/wide", 48);
        // 1 MiB of zeros, sparse: over MAX_LORA_BYTES here, and not a safetensors file if it were read.
        mkdirSync(join(dir, "styles/huge"), { recursive: true });
        writeFileSync(join(dir, "styles/huge/pytorch_lora_weights.safetensors"), "");
        truncateSync(join(dir, "styles/huge/pytorch_lora_weights.safetensors"), 1024 * 1024);
      },
    },
  );
  const base = { prompt: "a red cat", height: 24, width: 32, num_inference_steps: 2, guidance_scale: 3, seed: 5 };
  const post = (body: unknown) => fetch(`${server().url}/text-to-image`, json(body));

  it("returns PNG data URLs with seed + i, nsfw flags, and the same bytes for the same request", async () => {
    const res = await post({ ...base, num_images_per_prompt: 2, model_id: "tiny/sd15" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: { url: string; seed: number; nsfw: boolean }[] };
    expect(body.images.map((m) => [m.seed, m.nsfw])).toEqual([
      [5, false],
      [6, false],
    ]);
    const first = await decodeDataUrl(body.images[0]?.url as string);
    expect([first.width, first.height]).toEqual([32, 24]);
    const again = (await (await post({ ...base, num_images_per_prompt: 2 })).json()) as typeof body;
    expect(again.images.map((m) => m.url)).toEqual(body.images.map((m) => m.url));
    const single = (await (await post({ ...base, seed: 6 })).json()) as typeof body;
    expect(single.images[0]?.url).toBe(body.images[1]?.url);
    // PNG_COMPRESSION (9 here) decides the zlib level, as for upscaling.
    expect(pngZlibLevel(body.images[0]?.url as string)).toBe(3);
  });

  it("logs a prompt truncated to 77 tokens", async () => {
    const prompt = Array.from({ length: 80 }, (_, i) => (i < 75 ? "cat" : "dog")).join(" ");
    expect((await post({ ...base, prompt })).status).toBe(200);
    expect(log.lines.find((l) => l.msg.startsWith("prompt truncated"))).toMatchObject({
      level: "warn",
      prompt_tokens_cut: 5,
      negative_prompt_tokens_cut: 0,
      cut_text: "dog dog dog dog dog",
    });
  });

  it("draws and reports a seed when none is given", async () => {
    const { seed, ...noSeed } = base;
    const body = (await (await post(noSeed)).json()) as { images: { seed: number }[] };
    expect(Number.isInteger(body.images[0]?.seed)).toBe(true);
  });

  it("applies LoRAs (merged weights change the image; a repeat gives the same bytes)", async () => {
    const plain = (await (await post(base)).json()) as { images: { url: string }[] };
    const withLora = await post({ ...base, loras: JSON.stringify({ "styles/red": 1 }) });
    expect(withLora.status).toBe(200);
    const a = ((await withLora.json()) as typeof plain).images[0]?.url;
    expect(a).not.toBe(plain.images[0]?.url);
    const b = ((await (await post({ ...base, loras: '{"styles/red": 1.0}' })).json()) as typeof plain).images[0]?.url;
    expect(b).toBe(a);
    const zero = ((await (await post({ ...base, loras: '{"styles/red": 0}' })).json()) as typeof plain).images[0]?.url;
    expect(zero).toBe(plain.images[0]?.url);
  });

  it("takes Livepeer-style ids, `name` as well as `org/name`, alone and together", async () => {
    const url = async (loras: string) => {
      const res = await post({ ...base, loras });
      expect(res.status).toBe(200);
      return ((await res.json()) as { images: { url: string }[] }).images[0]?.url;
    };
    const plain = await url("");
    const pastel = await url('{"pastel": 0.8}');
    const both = await url('{"styles/red": 1, "pastel": 0.8}');
    expect(new Set([plain, pastel, both, await url('{"styles/red": 1}')]).size).toBe(4);
  });

  it("answers a folder that holds no LoRA as it answers a missing one, and logs the difference", async () => {
    const answer = async (id: string) => {
      const res = await post({ ...base, loras: JSON.stringify({ [id]: 1 }) });
      const { msg } = ((await res.json()) as { detail: { msg: string } }).detail;
      return [res.status, msg.replace(JSON.stringify(id), "<id>")];
    };
    const missing = await answer("styles/none");
    expect(missing).toEqual([
      400,
      'LoRA <id>: not installed: a LoRA id is "name" or "org/name", the folder MODEL_DIR/<id>/ holding ' +
        "pytorch_lora_weights.safetensors, adapter_model.safetensors or a single .safetensors file, as " +
        "`avs-runner models fetch <org/name>` installs it",
    ]);
    // The served model's folder, its org folder, a LoRA org folder: all exist, none is a LoRA.
    for (const id of ["tiny/sd15", "tiny", "styles"]) expect(await answer(id)).toEqual(missing);
    const refused = log.lines.filter((l) => l.msg === "LoRA refused").map((l) => [l.lora_id, l.reason]);
    expect(refused).toContainEqual(["tiny/sd15", expect.stringMatching(/tiny\/sd15 holds no \.safetensors file$/)]);
    expect(refused).toContainEqual(["styles/none", expect.stringMatching(/ENOENT/)]);
  });

  const cases: [string, unknown, number, RegExp][] = [
    [
      "height not a multiple of 8",
      { ...base, height: 500, width: 512 },
      400,
      /^Height and width must be divisible by 8, got height 500 and width 512$/,
    ],
    [
      "too much work",
      { ...base, height: 64, width: 64, num_images_per_prompt: 4, num_inference_steps: 8 },
      400,
      /width×height×num_images_per_prompt×steps = 64×64×4×8 = 131072 exceeds this runner's limit of 65536 \(MAX_SD_WORK\)/,
    ],
    [
      "another model",
      { ...base, model_id: "other/model" },
      400,
      /pipeline configured with tiny\/sd15 but called with other\/model/,
    ],
    ["loras not JSON", { ...base, loras: "{red" }, 400, /loras must be a JSON object .* invalid JSON/],
    [
      "negative LoRA weight",
      { ...base, loras: '{"styles/red": -1}' },
      400,
      /weight must be a number from 0 to 100, got -1/,
    ],
    ["unknown LoRA", { ...base, loras: '{"styles/none": 1}' }, 400, /LoRA "styles\/none": not installed/],
    ["LoRA path trick", { ...base, loras: '{"../../etc": 1}' }, 400, /LoRA id "..\/..\/etc" is not allowed/],
    [
      "LoRA id of three segments (a model's component folder)",
      { ...base, loras: '{"tiny/sd15/unet": 1}' },
      400,
      /^LoRA id "tiny\/sd15\/unet" is not allowed: use "name" or "org\/name"/,
    ],
    [
      "LoRA file over MAX_LORA_BYTES",
      { ...base, loras: '{"styles/huge": 1}' },
      400,
      /^LoRA "styles\/huge": pytorch_lora_weights\.safetensors is 1048576 bytes \(1 MiB\); this runner reads LoRA files of at most 65536 bytes \(64 KiB, MAX_LORA_BYTES\)$/,
    ],
    [
      "LoRA for SDXL",
      { ...base, loras: '{"styles/xl": 1}' },
      400,
      /LoRA "styles\/xl" is for SDXL models; this model is Stable Diffusion 1.x/,
    ],
    [
      "LoRA of another shape",
      { ...base, loras: '{"styles/wide": 1}' },
      400,
      /up \[4×\d+\] · down \[\d+×48\] do not fit this model's weight \[32×4\] — is the LoRA for another base model\?/,
    ],
    ["five LoRAs", { ...base, loras: '{"a":1,"b":1,"c":1,"d":1,"e":1}' }, 400, /at most 4 LoRAs per request, got 5/],
    [
      "seed overflow",
      { ...base, seed: Number.MAX_SAFE_INTEGER, num_images_per_prompt: 2 },
      400,
      /seed \+ num_images_per_prompt − 1 must be ≤ 9007199254740991/,
    ],
    ["no prompt", { height: 24, width: 32 }, 422, /prompt/],
    ["height over the schema maximum", { ...base, height: 8192 }, 422, /height/],
    ["steps 0", { ...base, num_inference_steps: 0 }, 422, /num_inference_steps/],
  ];
  for (const [name, body, status, message] of cases) {
    it(`${name} → ${status}, and the server keeps serving`, async () => {
      const res = await post(body);
      expect(res.status).toBe(status);
      const detail = ((await res.json()) as { detail: { msg: string } | { msg: string }[] }).detail;
      const text = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") + JSON.stringify(detail) : detail.msg;
      expect(text).toMatch(message);
      expect((await post(base)).status).toBe(200);
    });
  }
});

describe("POST /image-to-image (tiny/sd-turbo)", () => {
  const { server } = servedRunner(["tiny/sd-turbo"], { pipeline: "image-to-image", modelId: "tiny/sd-turbo" });
  const post = (form: FormData) => fetch(`${server().url}/image-to-image`, { method: "POST", body: form });
  const form = (image: Uint8Array | undefined, fields: Record<string, string> = {}) =>
    upscaleForm(image, {
      prompt: "a green house",
      num_inference_steps: "4",
      strength: "0.5",
      guidance_scale: "0",
      seed: "3",
      ...fields,
    });

  it("resizes the input down to multiples of 8 and returns that size", async () => {
    const res = await post(form(await testImage(37, 21, "jpeg"), { num_images_per_prompt: "2" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: { url: string; seed: number }[] };
    expect(body.images.map((m) => m.seed)).toEqual([3, 4]);
    const out = await decodeDataUrl(body.images[0]?.url as string);
    expect([out.width, out.height]).toEqual([32, 16]);
    // The default PNG_COMPRESSION, 1: zlib's fastest class.
    expect(pngZlibLevel(body.images[0]?.url as string)).toBe(0);
  });

  it("stays close to the input at low strength and moves away at strength 1", async () => {
    const png = await testImage(32, 32);
    const input = await decodeDataUrl(`data:image/png;base64,${Buffer.from(png).toString("base64")}`);
    const distance = async (strength: string) => {
      const body = (await (await post(form(png, { strength, num_inference_steps: "10" }))).json()) as {
        images: { url: string }[];
      };
      const out = await decodeDataUrl(body.images[0]?.url as string);
      return out.pixels.reduce((s, v, i) => s + Math.abs(v - (input.pixels[i] as number)), 0) / out.pixels.length;
    };
    expect(await distance("0.1")).toBeLessThan(await distance("1"));
  });

  const cases: [string, () => Promise<FormData>, number, RegExp][] = [
    ["an image under 8 px", async () => form(await testImage(5, 5)), 400, /image must be at least 8×8 px, got 5×5/],
    [
      "not an image",
      async () => form(new TextEncoder().encode("hello")),
      400,
      /image must be a PNG, JPEG or WebP file/,
    ],
    [
      "strength that leaves no step",
      async () => form(await testImage(16, 16), { strength: "0.1", num_inference_steps: "5" }),
      400,
      /strength 0.1 × num_inference_steps 5 leaves no denoising step/,
    ],
    ["no image", async () => form(undefined), 422, /image/],
    ["strength above 1", async () => form(await testImage(16, 16), { strength: "1.5" }), 422, /strength/],
  ];
  for (const [name, body, status, message] of cases) {
    it(`${name} → ${status}`, async () => {
      const res = await post(await body());
      expect(res.status).toBe(status);
      expect(JSON.stringify(await res.json())).toMatch(message);
      expect((await post(form(await testImage(16, 16)))).status).toBe(200);
    });
  }
});

describe("a model that cannot load", () => {
  it("reports health ERROR with the reason for an unknown scheduler", async () => {
    const models = await modelsDir(["tiny/sd15"]);
    writeFileSync(
      join(models.dir, "tiny/sd15/scheduler/scheduler_config.json"),
      JSON.stringify({ _class_name: "KDPM2DiscreteScheduler" }),
    );
    const log = memoryLogger();
    const server = await startRunnerServer(
      testConfig(models.dir, { pipeline: "text-to-image", modelId: "tiny/sd15" }),
      log,
    );
    try {
      await server.runner.ready;
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ERROR" });
      expect(JSON.stringify(log.lines)).toMatch(/unknown scheduler _class_name \\"KDPM2DiscreteScheduler\\"/);
    } finally {
      await server.stop();
      await models.cleanup();
    }
  });
});
