/**
 * @module A model file that is not a regular file — a FIFO, a socket, a character device (a symlink to /dev/zero), a
 * folder — is refused by `models verify` and by the runner's load, naming the file and what it is, instead of a read
 * that blocks for ever (a FIFO) or never ends (/dev/zero).
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { modelsDir, spawnRunner, waitFor } from "./helpers.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const models = await modelsDir(["tiny/sd15"]);
const dir = mkdtempSync(join(tmpdir(), "avs-special-files-"));
const sockets: Server[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  await models.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** What each kind of file is made with, in place of `path`, and the words that name it. */
const KINDS: Array<[string, (path: string) => Promise<void> | void, string]> = [
  ["a FIFO", (path) => void execFileSync("mkfifo", [path]), "a FIFO (named pipe)"],
  [
    "a socket",
    (path) =>
      new Promise<void>((ok) => {
        const server = createServer().listen(path, ok);
        sockets.push(server);
      }),
    "a socket",
  ],
  ["a symlink to /dev/zero", (path) => symlinkSync("/dev/zero", path), "a character device"],
];

/** A copy of tiny/sd15 as `MODEL_DIR/org/<name>` whose `file` is replaced by `make`'s. */
async function modelWith(name: string, file: string, make: (path: string) => Promise<void> | void) {
  const modelDir = join(dir, name);
  cpSync(join(models.dir, "tiny", "sd15"), join(modelDir, "org", "m"), { recursive: true });
  const path = join(modelDir, "org", "m", file);
  rmSync(path);
  await make(path);
  return { modelDir, folder: join(modelDir, "org", "m") };
}

/** `avs-runner models verify org/m`, killed after 20 s: its exit code (null when killed) and stderr. */
function verify(modelDir: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile("node", [BIN, "models", "verify", "org/m", "--model-dir", modelDir], { timeout: 20_000 }, (err, _o, e) =>
      resolve({
        code: err ? (typeof err.code === "number" ? err.code : null) : 0,
        stderr: e,
        ms: Date.now() - started,
      }),
    );
  });
}

describe("models verify", () => {
  for (const [label, make, kind] of KINDS) {
    it(`refuses ${label} in place of unet/model.onnx at once, naming it and what it is`, async () => {
      const { modelDir, folder } = await modelWith(`verify-${label.replace(/\W+/g, "-")}`, "unet/model.onnx", make);
      const r = await verify(modelDir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `avs-runner: the model folder ${folder} holds a file that is not a regular file: unet/model.onnx is ${kind}. ` +
          "A model folder holds regular files and folders (or symlinks to them) only; replace it with the model's files",
      );
      expect(r.ms).toBeLessThan(15_000);
    }, 30_000);
  }

  it("refuses a folder where unet/model.onnx is expected, naming it", async () => {
    const { modelDir, folder } = await modelWith("verify-folder", "unet/model.onnx", (path) => mkdirSync(path));
    const r = await verify(modelDir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `avs-runner: ${folder}/unet/model.onnx is a folder, not a regular file: a model file must be a regular file ` +
        "(or a symlink to one)",
    );
  }, 30_000);
});

it("a runner refuses to load a model with a FIFO for its avs-model.json, and says so in its log", async () => {
  const { modelDir, folder } = await modelWith("serve-fifo", "avs-model.json", (path) => {
    execFileSync("mkfifo", [path]);
  });
  const runner = spawnRunner({ PIPELINE: "text-to-image", MODEL_ID: "org/m", MODEL_DIR: modelDir });
  try {
    await waitFor(() => runner.lines.some((l) => l.msg === "model failed to load"), 15_000, "the load to fail");
    expect(runner.lines.find((l) => l.msg === "model failed to load")?.error).toBe(
      `the model folder ${folder} holds a file that is not a regular file: avs-model.json is a FIFO (named pipe). ` +
        "A model folder holds regular files and folders (or symlinks to them) only; replace it with the model's files",
    );
    expect(await (await fetch(`${runner.url()}/health`)).json()).toEqual({ status: "ERROR" });
  } finally {
    runner.child.kill("SIGTERM");
    await runner.exited;
  }
}, 30_000);
