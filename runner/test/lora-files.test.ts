/**
 * @module LoRA files a request cannot make the runner read: a FIFO (its weights or its adapter_config.json), refused
 * unopened instead of blocking the worker for ever, and a LoRA whose folder or file a symlink leads out of MODEL_DIR,
 * refused with a 400 naming it. Symlinks inside the models volume serve, as model folders do.
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { servedRunner } from "./helpers.js";
import { installLora } from "./lora-fixtures.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);

/** Outside the models volume: a LoRA that a symlink in it leads to. */
const elsewhere = mkdtempSync(join(tmpdir(), "avs-lora-elsewhere-"));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe("LoRA files", () => {
  const { server, log, modelDir } = servedRunner(
    ["tiny/sd15"],
    { pipeline: "text-to-image", modelId: "tiny/sd15", maxSdWork: 64 * 64 * 2 * 8 },
    {
      prepare: (dir) => {
        installLora(dir, "styles/red", 32);
        installLora(elsewhere, "outside", 32);
        cpSync(join(dir, "styles/red"), join(dir, "styles/fifo-config"), { recursive: true });
        execFileSync("mkfifo", [join(dir, "styles/fifo-config/adapter_config.json")]);
        mkdirSync(join(dir, "styles/fifo"));
        execFileSync("mkfifo", [join(dir, "styles/fifo/pytorch_lora_weights.safetensors")]);
        symlinkSync(join(elsewhere, "outside"), join(dir, "styles/folder-out"));
        mkdirSync(join(dir, "styles/file-out"));
        symlinkSync(
          join(elsewhere, "outside/pytorch_lora_weights.safetensors"),
          join(dir, "styles/file-out/pytorch_lora_weights.safetensors"),
        );
        cpSync(join(dir, "styles/red"), join(dir, "styles/config-out"), { recursive: true });
        writeFileSync(join(elsewhere, "adapter_config.json"), '{"lora_alpha": 1}');
        symlinkSync(join(elsewhere, "adapter_config.json"), join(dir, "styles/config-out/adapter_config.json"));
        symlinkSync(join(dir, "styles/red"), join(dir, "styles/linked"));
        mkdirSync(join(dir, "other"));
        symlinkSync(join(dir, "styles/red"), join(dir, "other/linked"));
      },
    },
  );
  const post = (loras: Record<string, number>) =>
    fetch(`${server().url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        prompt: "a cat",
        height: 24,
        width: 32,
        num_inference_steps: 2,
        seed: 5,
        loras: JSON.stringify(loras),
      }),
      signal: AbortSignal.timeout(20_000),
    });
  const answer = async (id: string) => {
    const res = await post({ [id]: 1 });
    return [res.status, ((await res.json()) as { detail: { msg: string } }).detail.msg];
  };

  it("refuses an adapter_config.json that is a FIFO without opening it, naming it", async () => {
    expect(await answer("styles/fifo-config")).toEqual([
      400,
      'LoRA "styles/fifo-config": adapter_config.json is a FIFO (named pipe), not a regular file',
    ]);
  }, 30_000);

  it("answers weights that are a FIFO as no LoRA, and logs what the file is", async () => {
    const [status, msg] = await answer("styles/fifo");
    expect(status).toBe(400);
    expect(msg).toMatch(/^LoRA "styles\/fifo": not installed: /);
    const refused = log.lines.find((l) => l.msg === "LoRA refused" && l.lora_id === "styles/fifo");
    expect(refused?.reason).toMatch(/pytorch_lora_weights\.safetensors is a FIFO \(named pipe\), not a regular file$/);
  }, 30_000);

  it("refuses a LoRA whose folder, file or adapter_config.json a symlink leads out of MODEL_DIR, naming it", async () => {
    const outside = (id: string, name: string) => [
      400,
      `LoRA "${id}": ${name} lies outside the models directory (a symlink leads out of it); a LoRA's folder and ` +
        "files must be inside MODEL_DIR (symlinks within it are fine)",
    ];
    expect(await answer("styles/folder-out")).toEqual(outside("styles/folder-out", "pytorch_lora_weights.safetensors"));
    expect(await answer("styles/file-out")).toEqual(outside("styles/file-out", "pytorch_lora_weights.safetensors"));
    expect(await answer("styles/config-out")).toEqual(outside("styles/config-out", "adapter_config.json"));
    const reasons = log.lines.filter((l) => l.msg === "LoRA refused").map((l) => String(l.reason));
    expect(reasons).toContainEqual(expect.stringContaining(`is ${join(elsewhere, "outside")}/`));
  }, 30_000);

  it("serves a LoRA symlinked within the models volume, as the folder it links to, and keeps serving", async () => {
    const linked = await post({ "styles/linked": 1 });
    const red = await post({ "styles/red": 1 });
    expect([linked.status, red.status]).toEqual([200, 200]);
    const url = async (res: Response) => ((await res.json()) as { images: { url: string }[] }).images[0]?.url;
    expect(await url(linked)).toBe(await url(red));
  }, 30_000);

  it("models verify takes a LoRA symlinked within the volume, across orgs too, and refuses one linked out", async () => {
    const verify = (id: string) =>
      run("node", [BIN, "models", "verify", id, "--model-dir", modelDir()]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }),
      );
    const linked = await verify("other/linked");
    expect(linked).toMatchObject({ code: 0, out: expect.stringMatching(/^ok other\/linked: lora, .* 2 LoRA layers/) });
    const out = await verify("styles/folder-out");
    expect(out.code).toBe(1);
    expect(out.out).toMatch(
      new RegExp(
        `^avs-runner: styles/folder-out holds no LoRA: .*pytorch_lora_weights.safetensors is ${join(elsewhere, "outside")}/`,
      ),
    );
  }, 30_000);
});
