/**
 * @module Runs in Deno, Bun or Node against a live gateway, using the built bundle (ESM, or CJS when the second
 * argument is `cjs`): upscales a PNG given by file path, downloads the result (whole, then streamed: the same bytes?),
 * and provokes a 401. Prints one JSON line.
 * Usage: <runtime> smoke.mjs <esm|cjs> <baseUrl> <apiKey> <modelId> <png path>
 */
import { createRequire } from "node:module";

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [format, baseUrl, apiKey, modelId, path] = args;
const sdk =
  format === "cjs" ? createRequire(import.meta.url)("../../dist/index.cjs") : await import("../../dist/index.js");

const client = sdk.createClient({ baseUrl, apiKey });
const { images } = await client.upscale({ modelId, prompt: "", image: path, seed: 9 });
const bytes = await client.download(images[0]);
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const stream = await client.download(images[0], { stream: true });
const streamed = new Uint8Array(await new Response(stream).arrayBuffer());
const denied = await sdk
  .createClient({ baseUrl, apiKey: "wrong" })
  .upscale({ modelId, prompt: "", image: new Uint8Array([1]) })
  .catch((e) => e);
console.log(
  JSON.stringify({
    runtime: globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node",
    seed: images[0].seed,
    width: view.getUint32(16),
    height: view.getUint32(20),
    streamed: streamed.length === bytes.length && streamed.every((b, i) => b === bytes[i]),
    authError: denied instanceof sdk.AuthenticationError,
    message: denied.message,
  }),
);
