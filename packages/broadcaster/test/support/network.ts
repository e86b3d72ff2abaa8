/**
 * @module Real network processes for the cross-process tests: `avs-orchestrator` processes (each starting real
 * `avs-runner` processes on tiny models installed with `avs-runner models install`), with their ports and a kill.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ORCHESTRATOR_BIN = join(PKG, "node_modules/@ai-video-subnet/orchestrator/bin/avs-orchestrator.mjs");
const RUNNER_BIN = join(PKG, "node_modules/@ai-video-subnet/runner/bin/avs-runner.mjs");

/** One `aiModels.json` entry. */
export interface ModelEntry {
  pipeline: string;
  model_id: string;
  warm: boolean;
  capacity: number;
  price_per_unit: number;
  pixels_per_unit: number;
}

/** A scratch directory with a models folder; `install` puts tiny models in it with the runner's own tool. */
export function workspace(): { dir: string; models: string; install(id: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "avs-net-"));
  const models = join(dir, "models");
  return {
    dir,
    models,
    install: (id) => {
      execFileSync(process.execPath, [RUNNER_BIN, "models", "install", id, "--model-dir", models], { stdio: "pipe" });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running orchestrator process. */
export interface OrchestratorProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: string[];
  /** SIGKILL, as a crash (its reaper takes its runners down). */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Starts `avs-orchestrator` for `models` and waits until it listens and its warm entries are warm.
 * @example const o = await startOrchestratorProcess(ws, [entry], { secret: "s" });
 */
export async function startOrchestratorProcess(
  ws: { dir: string; models: string },
  models: ModelEntry[],
  options: { secret: string; port?: number; args?: string[] },
): Promise<OrchestratorProcess> {
  const config = join(ws.dir, `ai-models-${seq++}.json`);
  writeFileSync(config, JSON.stringify(models));
  const child = spawn(
    process.execPath,
    [
      ORCHESTRATOR_BIN,
      ...["--config", config, "--models-dir", ws.models, "--port", String(options.port ?? 0)],
      ...["--secret", options.secret, "--health-interval", "0.5"],
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`orchestrator did not listen:\n${output.join("\n")}`)), 60_000);
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (line.includes('"msg":"listening"') && !line.includes('"runner"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line).port);
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d) => output.push(String(d)));
    child.once("exit", (code) => reject(new Error(`orchestrator exited ${code}:\n${output.join("\n")}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const warm = models.filter((m) => m.warm).length;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = (await fetch(`${url}/info`).then((r) => r.json())) as { capabilities: Array<{ warm: boolean }> };
    if (info.capabilities.filter((c) => c.warm).length >= warm) break;
    if (Date.now() > deadline) throw new Error(`orchestrator not warm:\n${output.join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** An RGB PNG of `width`×`height` with a gradient, built with zlib. */
export function png(width: number, height: number): Uint8Array {
  const crcTable = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc = (buf: Buffer) => {
    let c = -1;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * (width * 3 + 1) + 1 + x * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
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
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The multipart body of an upscale job. */
export function upscaleForm(modelId: string, image: Uint8Array): FormData {
  const form = new FormData();
  form.append("model_id", modelId);
  form.append("prompt", "");
  form.append("image", new Blob([image as Uint8Array<ArrayBuffer>], { type: "image/png" }), "in.png");
  return form;
}

/** Successful attempts per orchestrator, read from the broadcaster's `/metrics`. */
export async function okAttempts(broadcasterUrl: string): Promise<Record<string, number>> {
  const text = await fetch(`${broadcasterUrl}/metrics`).then((r) => r.text());
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^avs_broadcaster_orchestrator_attempts_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.outcome === "ok") out[labels.orchestrator!] = (out[labels.orchestrator!] ?? 0) + Number(m[2]);
  }
  return out;
}
