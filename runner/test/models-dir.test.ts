/**
 * @module `avs-runner models install|list|verify` as real processes with a models folder that is not given, empty,
 * missing, closed to the user, or impossible to create: each is named as what it is, with exit code 1.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installModel } from "../src/models/install.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);
const root = process.getuid?.() === 0;
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find(existsSync);

/**
 * Runs the CLI as a user the folder `locked` (mode 700) is closed to: as root (which no mode stops) through
 * `setpriv` as uid 65534; as another user, with `locked` owned by that user and mode 000.
 */
function runLockedOut(args: string[], locked: string) {
  if (root) {
    chmodSync(locked, 0o700);
    return run(setpriv!, ["--reuid=65534", "--regid=65534", "--clear-groups", "node", BIN, ...args]);
  }
  chmodSync(locked, 0o000);
  return run("node", [BIN, ...args]);
}

describe("the models folder of models install|list|verify", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "avs-models-dir-"));
    // Others may pass through (the locked-out user of the permission test reaches the folders inside).
    chmodSync(work, 0o755);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("refuses an empty --model-dir instead of writing to /models or the current folder", async () => {
    const cwd = join(work, "cwd");
    mkdirSync(cwd);
    for (const args of [
      ["install", "tiny/esrgan-x4", "--model-dir"],
      ["install", "tiny/esrgan-x4", "--model-dir="],
      ["list", "--model-dir="],
      ["verify", "tiny/esrgan-x4", "--model-dir", "--other"],
    ]) {
      await expect(run("node", [BIN, "models", ...args], { cwd }), args.join(" ")).rejects.toMatchObject({
        code: 1,
        stderr: "avs-runner: --model-dir needs a value\n",
      });
    }
    expect(await readdir(cwd)).toEqual([]);
  }, 30_000);

  it("reads an empty MODEL_DIR as not set (the default /models), not as the current folder", async () => {
    const cwd = join(work, "cwd-env");
    mkdirSync(join(cwd, "nope", "x"), { recursive: true });
    writeFileSync(join(cwd, "nope", "x", "model.onnx"), "");
    const failed = run("node", [BIN, "models", "verify", "nope/x"], { cwd, env: { ...process.env, MODEL_DIR: "" } });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^avs-runner: (the models folder \/models does not exist|nope\/x is not installed \(no folder \/models\/nope\/x\))\n$/,
      ),
    });
  }, 30_000);

  it("says a models folder that does not exist does not exist (list and verify), not 'no models installed'", async () => {
    const missing = join(work, "missing");
    await expect(run("node", [BIN, "models", "list", "--model-dir", missing])).rejects.toMatchObject({
      code: 1,
      stdout: "",
      stderr: `avs-runner: the models folder ${missing} does not exist\n`,
    });
    await expect(run("node", [BIN, "models", "verify", "org/m", "--model-dir", missing])).rejects.toMatchObject({
      code: 1,
      stderr: `avs-runner: the models folder ${missing} does not exist\n`,
    });
  }, 30_000);

  it.runIf(existsSync("/proc/self"))(
    "fails fast on a folder that cannot be created (under /proc, under a file), writing nothing",
    async () => {
      const started = Date.now();
      await expect(
        run("node", [BIN, "models", "install", "tiny/esrgan-x4", "--model-dir", "/proc/avs-nope/models"], {
          timeout: 15_000,
        }),
      ).rejects.toMatchObject({
        code: 1,
        stderr:
          "avs-runner: cannot create the models folder /proc/avs-nope/models: the file system at /proc does not allow new folders (ENOENT)\n",
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      writeFileSync(join(work, "a-file"), "");
      await expect(installModel("tiny/esrgan-x4", join(work, "a-file", "models"))).rejects.toThrow(
        new Error(
          `cannot create the models folder ${join(work, "a-file", "models")}: ${join(work, "a-file")} is a file, not a folder`,
        ),
      );
    },
    30_000,
  );

  it.runIf(!root || setpriv)(
    "says a models or model folder closed to the user cannot be read (permission), not that it is missing",
    async () => {
      const models = join(work, "locked");
      await installModel("tiny/esrgan-x4", models);
      const user = root ? 65534 : process.getuid?.();
      const closed = (path: string, what: string, mode: string) =>
        `avs-runner: cannot read ${what} ${path}: permission denied (owned by uid ${process.getuid?.()}, mode ${mode}; this process runs as uid ${user})\n`;
      const mode = root ? "700" : "0";
      try {
        await expect(runLockedOut(["models", "list", "--model-dir", models], models)).rejects.toMatchObject({
          code: 1,
          stderr: closed(models, "the models folder", mode),
        });
        await expect(
          runLockedOut(["models", "verify", "tiny/esrgan-x4", "--model-dir", models], models),
        ).rejects.toMatchObject({ code: 1, stderr: closed(models, "the models folder", mode) });
        chmodSync(models, 0o755);
        const folder = join(models, "tiny", "esrgan-x4");
        await expect(
          runLockedOut(["models", "verify", "tiny/esrgan-x4", "--model-dir", models], folder),
        ).rejects.toMatchObject({ code: 1, stderr: closed(folder, "the model folder", mode) });
      } finally {
        chmodSync(models, 0o755);
        chmodSync(join(models, "tiny", "esrgan-x4"), 0o755);
      }
    },
    30_000,
  );
});
