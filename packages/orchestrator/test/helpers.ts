/**
 * @module Test helpers: a models directory with the runner's tiny ESRGAN installed (by the real `avs-runner
 * models install`), PNG bytes built with zlib, and an orchestrator started on 127.0.0.1 port 0.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { defaultRunnerCommand } from "../src/launchers/process-launcher.js";
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/orchestrator.js";

/** The tiny test model of the runner (an ×4 ESRGAN-shaped graph). */
export const TINY = "tiny/esrgan-x4";

/** A temporary models directory with `ids` installed; `cleanup()` removes it. */
export function modelsDir(ids: string[] = [TINY]): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), "avs-orch-test-"));
  const dir = join(root, "models");
  const [node, bin] = defaultRunnerCommand() as [string, string];
  for (const id of ids) execFileSync(node, [bin, "models", "install", id, "--model-dir", dir], { stdio: "ignore" });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf: Buffer): number {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of `width`×`height` with a gradient (so upscaled output is not uniform). */
export function png(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = 128;
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([sig, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]),
  );
}

/** Width and height from a PNG's IHDR. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(bytes);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The multipart body of an upscale job. */
export function upscaleForm(modelId: string, image: Uint8Array = png(16, 16), extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append("model_id", modelId);
  form.append("prompt", "");
  form.append("image", new Blob([image as Uint8Array<ArrayBuffer>], { type: "image/png" }), "in.png");
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}

/** Starts an orchestrator on 127.0.0.1:0 with silent logs unless `AVS_TEST_LOGS` is set. */
export async function startOrchestrator(
  options: Omit<OrchestratorOptions, "port" | "host">,
): Promise<Orchestrator & { url: string }> {
  const orch = await createOrchestrator({
    healthInterval: 0.5,
    startTimeout: 60,
    ...(process.env.AVS_TEST_LOGS ? {} : { log: () => {} }),
    ...options,
    host: "127.0.0.1",
    port: 0,
  });
  const { url } = await orch.start();
  return Object.assign(orch, { url });
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false, or throws after `ms`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 20_000,
  what = "condition",
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as Exclude<T, undefined | false>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
