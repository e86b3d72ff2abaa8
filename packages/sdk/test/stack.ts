/**
 * @module The real stack for loopback tests: a models directory with tiny models installed by `avs-runner models
 * install`, an orchestrator running real `avs-runner` processes, and broadcasters (`createBroadcaster`) in front of
 * it, all on 127.0.0.1 port 0. Also a small PNG encoder for test images.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { type BroadcasterOptions, createBroadcaster } from "@ai-video-subnet/broadcaster";
import { type AiModelEntry, createOrchestrator, defaultRunnerCommand } from "@ai-video-subnet/orchestrator";

/** The runner's tiny ×4 ESRGAN-shaped test model. */
export const UPSCALER = "tiny/esrgan-x4";
/** The runner's tiny SD-Turbo-shaped test model (text-to-image and image-to-image). */
export const SD = "tiny/sd-turbo";
/** Secret between the test broadcasters and the orchestrator. */
export const SECRET = "orchestrator-secret";

/** A temporary directory that `cleanup()` removes. */
export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `avs-sdk-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Installs `ids` into `<root>/models` with the real `avs-runner models install`, and returns that directory. */
export function installModels(root: string, ids: string[]): string {
  const dir = join(root, "models");
  const [node, bin] = defaultRunnerCommand() as [string, string];
  for (const id of ids) execFileSync(node, [bin, "models", "install", id, "--model-dir", dir], { stdio: "ignore" });
  return dir;
}

/**
 * Starts an orchestrator with a warm runner for each of `models` (two slots each, so an abandoned job does not block
 * the next).
 */
export async function startOrchestrator(modelsDir: string, models: Array<Pick<AiModelEntry, "pipeline" | "model_id">>) {
  const orch = await createOrchestrator({
    models: models.map((m) => ({ ...m, warm: true, capacity: 2, price_per_unit: 1, pixels_per_unit: 1 })),
    modelsDir,
    secret: SECRET,
    host: "127.0.0.1",
    port: 0,
    runnersPerGpu: models.length,
    healthInterval: 0.5,
    startTimeout: 90,
    ...(process.env.AVS_TEST_LOGS ? {} : { log: () => {} }),
  });
  const { url } = await orch.start();
  return { url, stop: () => orch.stop() };
}

/** Starts a broadcaster with quiet logs, fast polling and a temporary output directory. */
export async function startGateway(options: BroadcasterOptions) {
  const outputs = tempDir("outputs");
  const b = createBroadcaster({
    host: "127.0.0.1",
    port: 0,
    infoIntervalMs: 200,
    discoveryIntervalMs: 200,
    orchestratorSecret: SECRET,
    logLevel: process.env.AVS_TEST_LOGS ? "debug" : "silent",
    outputs: { kind: "local", dir: outputs.dir },
    ...options,
  });
  const { url } = await b.start();
  return {
    url,
    async stop() {
      await b.stop();
      outputs.cleanup();
    },
  };
}

const CRC = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  let c = -1;
  for (const b of body) c = CRC[(c ^ b) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((c ^ -1) >>> 0, body.length + 4);
  return out;
}

/** An RGB PNG of `width`×`height` holding a gradient. */
export function png(width: number, height: number): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = (x * 255) / width;
      rows[at + 1] = (y * 255) / height;
      rows[at + 2] = 100;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      pngChunk("IHDR", header),
      pngChunk("IDAT", deflateSync(rows)),
      pngChunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

/** Width and height from a PNG's header. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(bytes);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
