/**
 * @module Test support: a network of real processes on fresh models in a temporary directory, torn down (and
 * checked for leftovers) after the test file; plus small helpers to send multipart requests and decode images.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AiModelEntry } from "@ai-video-subnet/orchestrator";
import sharp from "sharp";
import { prepareModels } from "../../src/models/prepare-models.js";
import { type Network, type NetworkOptions, startNetwork } from "../../src/network/start-network.js";
import { isAlive } from "../../src/processes/process-tree.js";

/** A started test network and what to clean up. */
export interface TestNet {
  net: Network;
  dir: string;
  /** Stops the network and returns the pids that were still alive afterwards (should be none). */
  close(): Promise<number[]>;
}

/**
 * Installs `models` (fresh, with `avs-runner models install`) and starts a network serving them.
 * @example const t = await testNetwork([{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true }]);
 */
export async function testNetwork(
  models: AiModelEntry[] | ((index: number) => AiModelEntry[]),
  options: Partial<NetworkOptions> = {},
): Promise<TestNet> {
  const dir = mkdtempSync(join(tmpdir(), "avs-devnet-"));
  const all = typeof models === "function" ? [models(0), models(1)].flat() : models;
  await prepareModels(
    join(dir, "models"),
    all.map((m) => m.model_id),
  );
  const net = await startNetwork({
    modelsDir: join(dir, "models"),
    workDir: join(dir, "work"),
    models,
    orchestrators: 2,
    ...options,
  });
  return {
    net,
    dir,
    async close() {
      const pids = net.pids();
      await net.stop();
      const left = pids.filter(isAlive);
      rmSync(dir, { recursive: true, force: true });
      return left;
    },
  };
}

/**
 * A multipart body from fields; `Uint8Array` values become file parts.
 * @example await fetch(url, { method: "POST", body: form({ prompt: "", image: png }) })
 */
export function form(fields: Record<string, string | Uint8Array>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") f.append(k, v);
    else f.append(k, new Blob([new Uint8Array(v)]), `${k}.bin`);
  }
  return f;
}

/**
 * A PNG of `width`×`height` filled with a smooth pattern (so PNG sizes and upscales are not trivial).
 * @example const png = await patternPng(32, 32);
 */
export async function patternPng(width: number, height: number): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = ((x ^ y) * 16) & 255;
    }
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/**
 * Decoded RGB pixels of an image.
 * @example const { width, height, pixels } = await rgb(bytes);
 */
export async function rgb(bytes: Uint8Array): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data) };
}

/** Peak signal-to-noise ratio of two 8-bit images of the same size, in dB. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: sizes differ (${a.length} vs ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

/**
 * Runs `task` for indices 0..n-1 with at most `concurrency` at once; returns results in index order.
 * @example const results = await pool(100, 4, (i) => send(i));
 */
export async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/**
 * POSTs `body` with node:http and resolves with the answer even when the server answers before reading the
 * whole body and closes the connection (a 413 on a huge upload) — where fetch reports only "fetch failed".
 * @example const { status, body } = await postEarlyAnswer(url, form, 30_000);
 */
export async function postEarlyAnswer(
  url: string,
  formData: FormData,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const { request } = await import("node:http");
  const encoded = new Response(formData);
  const bytes = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": encoded.headers.get("content-type")!, "content-length": bytes.length },
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // The server may stop reading once it has answered: a write error after the answer is not a failure.
    req.on("error", (err) => setTimeout(() => reject(err), 1000));
    // After the answer the socket may be detached from req; its late EPIPE must not become an uncaught error.
    req.on("socket", (socket) => socket.on("error", () => {}));
    req.end(bytes);
  });
}
