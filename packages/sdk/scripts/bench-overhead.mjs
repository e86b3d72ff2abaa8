#!/usr/bin/env node
/**
 * @module What the SDK adds to a call: the same upscale request (a 64 KiB multipart upload, a small JSON answer from a
 * local HTTP server on 127.0.0.1) sent N times through `client.upscale` and through hand-written `fetch` + `FormData`,
 * alternating, in one process. Prints per-call p50/p95 for both and the difference. Uses the built bundle:
 * `pnpm run build && node scripts/bench-overhead.mjs [calls]`.
 */
import { createServer } from "node:http";
import { createClient } from "../dist/index.js";

const CALLS = Number(process.argv[2] ?? 400);
const ANSWER = JSON.stringify({ images: [{ url: "http://127.0.0.1/outputs/x.png", seed: 1, nsfw: false }] });
const IMAGE = new Uint8Array(64 * 1024).fill(7);

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const client = createClient({ baseUrl, apiKey: "k" });

const viaSdk = () => client.upscale({ modelId: "m", prompt: "", image: IMAGE, seed: 1 });
async function viaFetch() {
  const form = new FormData();
  form.append("model_id", "m");
  form.append("prompt", "");
  form.append("seed", "1");
  form.append("image", new Blob([IMAGE]), "image");
  const res = await fetch(`${baseUrl}/upscale`, { method: "POST", body: form, headers: { authorization: "Bearer k" } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

const times = { sdk: [], fetch: [] };
for (let i = 0; i < 50; i++) await Promise.all([viaSdk(), viaFetch()]); // warm-up: JIT and keep-alive sockets
for (let i = 0; i < CALLS; i++) {
  for (const [name, call] of i % 2
    ? [
        ["sdk", viaSdk],
        ["fetch", viaFetch],
      ]
    : [
        ["fetch", viaFetch],
        ["sdk", viaSdk],
      ]) {
    const t = performance.now();
    await call();
    times[name].push(performance.now() - t);
  }
}
server.close();

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const row = (name, label = name) =>
  `${label.padEnd(22)} p50 ${pct(times[name], 50).toFixed(3)} ms   p95 ${pct(times[name], 95).toFixed(3)} ms`;
console.log(`${CALLS} calls each, 64 KiB multipart upload, local server, Node ${process.version}`);
console.log(row("fetch", "fetch (baseline)"));
console.log(row("sdk"));
console.log(`sdk − fetch            p50 ${(pct(times.sdk, 50) - pct(times.fetch, 50)).toFixed(3)} ms`);
