/**
 * @module LoRA files a request cannot make the runner read: a FIFO (its weights or its adapter_config.json), refused
 * unopened instead of blocking the worker for ever.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { servedRunner } from "./helpers.js";
import { installLora } from "./lora-fixtures.js";

describe("LoRA files", () => {
  const { server, log } = servedRunner(
    ["tiny/sd15"],
    { pipeline: "text-to-image", modelId: "tiny/sd15", maxSdWork: 64 * 64 * 2 * 8 },
    {
      prepare: (dir) => {
        installLora(dir, "styles/red", 32);
        cpSync(join(dir, "styles/red"), join(dir, "styles/fifo-config"), { recursive: true });
        execFileSync("mkfifo", [join(dir, "styles/fifo-config/adapter_config.json")]);
        mkdirSync(join(dir, "styles/fifo"));
        execFileSync("mkfifo", [join(dir, "styles/fifo/pytorch_lora_weights.safetensors")]);
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
});
