/**
 * @module Headless Chromium (Debian's /usr/bin/chromium through playwright-core) loads a page that imports the built
 * ESM bundle (dist/index.js, with openapi-fetch through an import map) and runs real calls against a local broadcaster
 * on another origin (so CORS applies), backed by real runners: text-to-image on the tiny SD-Turbo model, an upscale
 * of a canvas image, the downloads (whole and streamed), an asynchronous job followed through its event stream, and a
 * typed error.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumLaunchOptions } from "@ai-video-subnet/test-kit";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installModels, png, SD, startGateway, startOrchestrator, tempDir, UPSCALER } from "./stack.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const KEY = "sk-browser";

const PAGE = `<!doctype html>
<meta charset="utf-8">
<script type="importmap">{ "imports": { "openapi-fetch": "/vendor/openapi-fetch.mjs" } }</script>
<script type="module">
  import * as sdk from "/sdk/index.js";
  window.sdk = sdk;
  window.ready = true;
</script>`;

/** Serves the page, the built bundle and openapi-fetch's ESM build. */
async function startPageServer(): Promise<{ url: string; server: Server }> {
  const openapiFetch = join(dirname(createRequire(import.meta.url).resolve("openapi-fetch")), "index.mjs");
  const files: Record<string, [string, () => string | Uint8Array]> = {
    "/": ["text/html", () => PAGE],
    "/in.png": ["image/png", () => png(2, 2)],
    "/sdk/index.js": ["text/javascript", () => readFileSync(join(ROOT, "dist/index.js"), "utf8")],
    "/vendor/openapi-fetch.mjs": ["text/javascript", () => readFileSync(openapiFetch, "utf8")],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[0] }).end(file[1]());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const tmp = tempDir("browser");
let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let pages: Awaited<ReturnType<typeof startPageServer>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js"))) execFileSync("pnpm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  const models = installModels(tmp.dir, [UPSCALER, SD]);
  [orchestrator, pages, browser] = await Promise.all([
    startOrchestrator(models, [
      { pipeline: "upscale", model_id: UPSCALER },
      { pipeline: "text-to-image", model_id: SD },
    ]),
    startPageServer(),
    chromium.launch(chromiumLaunchOptions()),
  ]);
  gateway = await startGateway({ orchestrators: [orchestrator.url], apiKeys: [KEY], corsOrigins: [pages.url] });
});

afterAll(async () => {
  await browser?.close();
  pages?.server.close();
  await gateway?.stop();
  await orchestrator?.stop();
  tmp.cleanup();
});

async function openPage() {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(pages.url);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
  return { page, problems };
}

describe("in headless Chromium", () => {
  it("completes a text-to-image call and decodes the image it downloads", async () => {
    const { page, problems } = await openPage();
    const result = await page.evaluate(
      async ({ baseUrl, apiKey, modelId }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's global, typed by the bundle it loaded
        const { createClient } = (window as any).sdk as typeof import("../src/index.js");
        const client = createClient({ baseUrl, apiKey });
        // Retry until the broadcaster has polled the orchestrator's capabilities (a seed makes retries safe).
        const { images } = await client.textToImage(
          { modelId, prompt: "a lighthouse at dawn", width: 64, height: 40, numInferenceSteps: 1, seed: 21 },
          { retries: 20, timeoutMs: 20_000 },
        );
        const bitmap = await createImageBitmap(new Blob([(await client.download(images[0]!)) as BlobPart]));
        return { seed: images[0]!.seed, width: bitmap.width, height: bitmap.height, url: images[0]!.url };
      },
      { baseUrl: gateway.url, apiKey: KEY, modelId: SD },
    );
    expect(problems).toEqual([]);
    expect(result).toMatchObject({ seed: 21, width: 64, height: 40 });
    expect(result.url.startsWith(`${gateway.url}/outputs/`)).toBe(true);
  });

  it("upscales a canvas image through the built ESM bundle and reads the result back, whole and streamed", async () => {
    const { page, problems } = await openPage();
    const result = await page.evaluate(
      async ({ baseUrl, apiKey, modelId }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's global, typed by the bundle it loaded
        const { createClient } = (window as any).sdk as typeof import("../src/index.js");
        const canvas = new OffscreenCanvas(12, 10);
        const ctx = canvas.getContext("2d")!;
        ctx.fillStyle = "#3a7";
        ctx.fillRect(0, 0, 12, 10);
        const image = await canvas.convertToBlob({ type: "image/png" });
        const client = createClient({ baseUrl, apiKey });
        const { images } = await client.upscale(
          { modelId, prompt: "", image, seed: 5 },
          { retries: 20, timeoutMs: 20_000 },
        );
        const bytes = await client.download(images[0]!);
        const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
        const stream = await client.download(images[0]!, { stream: true });
        const streamed = new Uint8Array(await new Response(stream).arrayBuffer());
        const same = streamed.length === bytes.length && streamed.every((b, i) => b === bytes[i]);
        return { seed: images[0]!.seed, width: bitmap.width, height: bitmap.height, same };
      },
      { baseUrl: gateway.url, apiKey: KEY, modelId: UPSCALER },
    );
    expect(problems).toEqual([]);
    expect(result).toEqual({ seed: 5, width: 48, height: 40, same: true });
  });

  it("submits an asynchronous job, follows its events over fetch with the bearer header, and waits with progress", async () => {
    const { page, problems } = await openPage();
    const result = await page.evaluate(
      async ({ baseUrl, apiKey, modelId }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's global, typed by the bundle it loaded
        const { createClient } = (window as any).sdk as typeof import("../src/index.js");
        const client = createClient({ baseUrl, apiKey });
        const job = await client.submit(
          "upscale",
          { modelId, prompt: "", image: await (await fetch("/in.png")).blob(), seed: 9 },
          { retries: 20, timeoutMs: 20_000, idempotencyKey: "browser-job" },
        );
        const seen: string[] = [];
        for await (const e of job.events()) seen.push(`${e.id}:${e.type}`);
        const progress: number[] = [];
        const { images } = await client.job<"upscale">(job.id).wait({ onProgress: (p) => progress.push(p.fraction) });
        const bitmap = await createImageBitmap(new Blob([(await client.download(images[0]!)) as BlobPart]));
        return { seen, progress, seed: images[0]!.seed, width: bitmap.width, height: bitmap.height };
      },
      { baseUrl: gateway.url, apiKey: KEY, modelId: UPSCALER },
    );
    expect(problems).toEqual([]);
    // Between running and the result, the runner's tile steps relayed by the orchestrator.
    const { seen, progress, ...rest } = result;
    expect(seen.slice(0, 2)).toEqual(["1:status", "2:status"]);
    expect(seen.slice(2, -1).every((e) => e.endsWith(":progress"))).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)).toBe(`${seen.length}:result`);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(rest).toEqual({ seed: 9, width: 8, height: 8 });
  });

  it("throws the typed errors in the browser", async () => {
    const { page } = await openPage();
    const err = await page.evaluate(
      async ({ baseUrl, modelId }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's global
        const sdk = (window as any).sdk as typeof import("../src/index.js");
        const client = sdk.createClient({ baseUrl, apiKey: "wrong" });
        const e = await client.upscale({ modelId, prompt: "", image: new Uint8Array([1, 2, 3]) }).catch((x) => x);
        const path = await client.upscale({ modelId, prompt: "", image: "/etc/passwd" }).catch((x) => x);
        return {
          auth: e instanceof sdk.AuthenticationError,
          message: e.message,
          path: `${path.constructor.name}: ${path.message}`,
        };
      },
      { baseUrl: gateway.url, modelId: UPSCALER },
    );
    expect(err).toEqual({
      auth: true,
      message: "[POST] /upscale: 401 Unauthorized — invalid API key",
      path: 'InvalidInputError: [POST] /upscale: invalid input — image: cannot read the file path "/etc/passwd" here: paths work in Node, Deno and Bun; in a browser pass a File or Blob',
    });
  });
});
