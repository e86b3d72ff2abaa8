/**
 * @module Shared test helpers: a models dir with the tiny upscaler, configs on free ports, a runner served for a
 * describe block or started as a process, images, multipart forms.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll } from "vitest";
import { loadConfig, type RunnerConfig } from "../src/config.js";
import type { Logger } from "../src/log.js";
import { installModel } from "../src/models/install.js";
import { type RunnerServer, startRunnerServer } from "../src/server/serve.js";

/** A temporary models dir holding the given catalog models; `cleanup` removes it. */
export async function modelsDir(ids: string[] = ["tiny/esrgan-x4"]) {
  const dir = await mkdtemp(join(tmpdir(), "avs-runner-test-"));
  for (const id of ids) await installModel(id, dir);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An `avs-runner` process a test started, and the JSON lines it has logged on stdout so far. */
export interface RunnerProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Settles with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Its address, once it has logged the port it listens on. */
  url(): string;
}

/**
 * Starts `bin/avs-runner.mjs` on a free port of 127.0.0.1 without auth, `env` over this process's environment;
 * `stderr` goes to the test's own unless `"pipe"`.
 * @example const r = spawnRunner({ PIPELINE: "upscale", MODEL_ID: "tiny/esrgan-x4", MODEL_DIR: dir });
 */
export function spawnRunner(env: Record<string, string>, stderr: "inherit" | "pipe" = "inherit"): RunnerProcess {
  const bin = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
  const child = spawn("node", [bin], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", AUTH_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", stderr],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = "";
  child.stdout!.on("data", (d) => {
    buffered += d;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const p of parts) lines.push(JSON.parse(p));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited, url: () => `http://127.0.0.1:${lines.find((l) => l.msg === "listening")?.port}` };
}

/**
 * Points this test process's temporary directory (`TMPDIR`, which `os.tmpdir()` reads at each call) at a fresh folder
 * for the enclosing describe block, and removes it afterwards. Call it before {@link servedRunner}: the runner's
 * scratch folders and spooled uploads then go there, so a check that none is left behind sees only this file's, not
 * those of the runners other test files (in other processes) run at the same time in the shared one.
 * @example privateTmpdir(); const { server } = servedRunner(["tiny/esrgan-x4"], { pipeline: "video-upscale" });
 */
export function privateTmpdir(): void {
  const saved = process.env.TMPDIR;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-runner-tmp-"));
    process.env.TMPDIR = dir;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
  });
}

/** A runner config for tests: 127.0.0.1, a free port, the tiny upscaler. */
export function testConfig(modelDir: string, overrides: Partial<RunnerConfig> = {}): RunnerConfig {
  return {
    ...loadConfig([], {}),
    pipeline: "upscale",
    modelId: "tiny/esrgan-x4",
    modelDir,
    host: "127.0.0.1",
    port: 0,
    ...overrides,
  };
}

/**
 * A runner server for the enclosing describe block: `beforeAll` installs the catalog models `ids` in a temporary
 * models dir, runs `prepare` on it, starts the server on {@link testConfig} with `overrides` and waits until it is
 * ready; `afterAll` stops it and removes the dir. `server()` and `modelDir()` throw before `beforeAll` has run; `log`
 * keeps the server's lines.
 *
 * @example const { server, log } = servedRunner(["tiny/svd"], { pipeline: "image-to-video", modelId: "tiny/svd" });
 */
export function servedRunner(
  ids: string[],
  overrides: Partial<RunnerConfig> = {},
  options: { prepare?: (modelDir: string) => unknown; timeout?: number } = {},
) {
  const log = memoryLogger();
  let models: Awaited<ReturnType<typeof modelsDir>> | undefined;
  let running: RunnerServer | undefined;
  beforeAll(async () => {
    models = await modelsDir(ids);
    await options.prepare?.(models.dir);
    running = await startRunnerServer(testConfig(models.dir, overrides), log);
    await running.runner.ready;
  }, options.timeout);
  afterAll(async () => {
    await running?.stop();
    await models?.cleanup();
  });
  const before = (what: string) => new Error(`servedRunner: no ${what} before beforeAll has run`);
  return {
    /** The started, ready server. */
    server: (): RunnerServer => {
      if (!running) throw before("server");
      return running;
    },
    /** The temporary models dir. */
    modelDir: (): string => {
      if (!models) throw before("models dir");
      return models.dir;
    },
    log,
  };
}

/**
 * The compression level class a PNG's zlib stream declares (FLEVEL of its first IDAT: 0 fastest (levels 0–1),
 * 1 fast (2–5), 2 default (6), 3 best (7–9)); `png` is the file or a `data:image/png;base64,` URL.
 */
export function pngZlibLevel(png: Buffer | string): number {
  if (typeof png === "string") png = Buffer.from(png.slice(png.indexOf(",") + 1), "base64");
  const at = png.indexOf("IDAT", 8, "latin1");
  if (at < 0) throw new Error("no IDAT chunk");
  return (png[at + 5] as number) >> 6;
}

/** A logger that keeps lines for assertions. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; msg: string; [k: string]: unknown }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, msg, ...fields });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** A deterministic RGB test picture (gradients and a disc) encoded as PNG, JPEG or WebP. */
export async function testImage(width: number, height: number, format: "png" | "jpeg" | "webp" = "png") {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      pixels[i] = Math.round((255 * x) / Math.max(1, width - 1));
      pixels[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      pixels[i + 2] = inDisc ? 230 : 20;
    }
  }
  const img = sharp(pixels, { raw: { width, height, channels: 3 } });
  return new Uint8Array(await (format === "png" ? img.png() : format === "jpeg" ? img.jpeg() : img.webp()).toBuffer());
}

/** A multipart body for /upscale. */
export function upscaleForm(image: Uint8Array | Blob | string | undefined, fields: Record<string, string> = {}) {
  const form = new FormData();
  if (!("prompt" in fields)) form.append("prompt", "");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (typeof image === "string") form.append("image", image);
  else if (image !== undefined) {
    form.append("image", image instanceof Uint8Array ? new Blob([image as Uint8Array<ArrayBuffer>]) : image, "blob");
  }
  return form;
}

/** Decodes a `data:image/png;base64,` URL to raw RGB. */
export async function decodeDataUrl(url: string) {
  const prefix = "data:image/png;base64,";
  if (!url.startsWith(prefix)) throw new Error(`not a PNG data URL: ${url.slice(0, 40)}`);
  const { data, info } = await sharp(Buffer.from(url.slice(prefix.length), "base64"))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, pixels: new Uint8Array(data) };
}

/** Polls `check` every 10 ms until it returns true (or fails after `ms`). */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000, what = "condition") {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
