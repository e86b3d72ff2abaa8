/**
 * @module `avs-runner models install|list|verify` and `avs-runner serve` as real processes with a models folder that
 * is not given, empty, missing, closed to the user, or impossible to create: each is named as what it is, with exit
 * code 1 (serve before it loads anything).
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installModel } from "../src/models/install.js";
import { startRunnerServer } from "../src/server/serve.js";
import { memoryLogger, testConfig } from "./helpers.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);
const root = process.getuid?.() === 0;
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find(existsSync);

/**
 * Runs the CLI as a user the folder `locked` (mode 700) is closed to: as root (which no mode stops) through
 * `setpriv` as uid 65534; as another user, with `locked` owned by that user and mode 000.
 */
function runLockedOut(args: string[], locked: string) {
  chmodSync(locked, root ? 0o700 : 0o000);
  // A runner that does not refuse to start keeps serving: the timeout ends it, and the run fails without exit code 1.
  return run(...lockedOutCommand(args), { timeout: 20_000 });
}

/** The command that runs the CLI with `args` as the locked-out user: through `setpriv` as root, else as is. */
function lockedOutCommand(args: string[]): [string, string[]] {
  return root
    ? [setpriv!, ["--reuid=65534", "--regid=65534", "--clear-groups", "node", BIN, ...args]]
    : ["node", [BIN, ...args]];
}

/** `avs-runner serve` of the tiny upscaler from `modelDir` on a free port of 127.0.0.1. */
const serveArgs = (modelDir: string) => [
  "serve",
  ...["--pipeline", "upscale", "--model-id", "tiny/esrgan-x4", "--model-dir", modelDir, "--port", "0"],
  ...["--host", "127.0.0.1"],
];

/** The uid `runLockedOut` runs the CLI as. */
const lockedOutUid = root ? 65534 : process.getuid?.();

/** Why `models list|verify` and serve cannot read a folder closed to the locked-out user of `runLockedOut`. */
const closedReason = (path: string, what: string) =>
  `cannot read ${what} ${path}: permission denied (owned by uid ${process.getuid?.()}, mode ${root ? "700" : "0"}; this process runs as uid ${lockedOutUid})`;

/** This file's folder; each test works in folders of its own inside it. */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "avs-models-dir-"));
  // Others may pass through (the locked-out user of the permission tests reaches the folders inside).
  chmodSync(work, 0o755);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the models folder of models install|list|verify", () => {
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
      const closed = (path: string, what: string) => `avs-runner: ${closedReason(path, what)}\n`;
      try {
        await expect(runLockedOut(["models", "list", "--model-dir", models], models)).rejects.toMatchObject({
          code: 1,
          stderr: closed(models, "the models folder"),
        });
        await expect(
          runLockedOut(["models", "verify", "tiny/esrgan-x4", "--model-dir", models], models),
        ).rejects.toMatchObject({ code: 1, stderr: closed(models, "the models folder") });
        chmodSync(models, 0o755);
        const folder = join(models, "tiny", "esrgan-x4");
        await expect(
          runLockedOut(["models", "verify", "tiny/esrgan-x4", "--model-dir", models], folder),
        ).rejects.toMatchObject({ code: 1, stderr: closed(folder, "the model folder") });
      } finally {
        chmodSync(models, 0o755);
        chmodSync(join(models, "tiny", "esrgan-x4"), 0o755);
      }
    },
    30_000,
  );
});

/** Mounts `args` (a mount's source and options) at the new folder `at`; `umount` undoes it. */
function mount(at: string, ...args: string[]): void {
  mkdirSync(at, { recursive: true });
  execFileSync("mount", [...args, at]);
}

// Mounting needs root, as do the files systems that refuse root: a read-only mount and a full one.
describe.skipIf(!root)("models install on a file system that refuses writes", () => {
  const mounted: string[] = [];
  afterAll(() => {
    for (const at of mounted.reverse()) execFileSync("umount", [at]);
  });

  it("says a read-only models folder is on a read-only file system (EROFS), not that uid 0 may not write", async () => {
    const ro = join(work, "read-only");
    mount(ro, "--bind", mkdtempSync(join(work, "ro-source-")));
    mounted.push(ro);
    execFileSync("mount", ["-o", "remount,bind,ro", ro]);
    for (const dir of [ro, join(ro, "models")]) {
      await expect(run("node", [BIN, "models", "install", "tiny/esrgan-x4", "--model-dir", dir])).rejects.toMatchObject(
        {
          code: 1,
          stderr: `avs-runner: cannot write to the models folder ${dir}: ${ro} is on a read-only file system (EROFS)\n`,
        },
      );
    }
  }, 30_000);

  it("names the model's folder and the space on a full disk, and leaves no folder it created behind", async () => {
    const full = join(work, "full");
    // 12 kB: room for the folders, not for the 16 kB tiny model.
    mount(full, "-t", "tmpfs", "-o", "size=12k", "tmpfs");
    mounted.push(full);
    const models = join(full, "models");
    await expect(
      run("node", [BIN, "models", "install", "tiny/esrgan-x4", "--model-dir", models]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        new RegExp(
          `^avs-runner: cannot install tiny/esrgan-x4 into ${models}/tiny/esrgan-x4: the disk is full \\(ENOSPC\\); ` +
            `it needs more than the [0-9.]+ kB free on ${full}\n$`,
        ),
      ),
    });
    expect(await readdir(full)).toEqual([]);
  }, 30_000);
});

describe("the models folder of avs-runner serve", () => {
  /** What a refused start-up must look like: exit 1, nothing logged (nothing loaded, no port), one line on stderr. */
  const refused = (line: string) => ({ code: 1, stdout: "", stderr: `avs-runner: ${line}\n` });

  it("refuses to start, before loading anything, when MODEL_DIR does not exist or is not a folder", async () => {
    const fix = "set MODEL_DIR (--model-dir) to the folder the models are installed in";
    const missing = join(work, "serve-missing");
    await expect(run("node", [BIN, ...serveArgs(missing)], { timeout: 20_000 })).rejects.toMatchObject(
      refused(`the models folder ${missing} does not exist; ${fix}`),
    );
    const file = join(work, "serve-file");
    writeFileSync(file, "");
    const env = { ...process.env, MODEL_DIR: file, MODEL_ID: "tiny/esrgan-x4", PORT: "0", HOST: "127.0.0.1" };
    await expect(run("node", [BIN], { env, timeout: 20_000 })).rejects.toMatchObject(
      refused(`the models folder ${file} is not a folder; ${fix}`),
    );
  }, 60_000);

  it.runIf(!root || setpriv)(
    "refuses to start when MODEL_DIR or the model's folder is closed to the user, naming owner, mode and uid",
    async () => {
      const models = join(work, "serve-locked");
      await installModel("tiny/esrgan-x4", models);
      const folder = join(models, "tiny", "esrgan-x4");
      const fix = `let uid ${lockedOutUid} read it (chown or chmod) or run the runner as its owner`;
      try {
        await expect(runLockedOut(serveArgs(models), models)).rejects.toMatchObject(
          refused(`${closedReason(models, "the models folder")}; ${fix}`),
        );
        chmodSync(models, 0o755);
        await expect(runLockedOut(serveArgs(models), folder)).rejects.toMatchObject(
          refused(`${closedReason(folder, "the model folder")}; ${fix}`),
        );
      } finally {
        chmodSync(models, 0o755);
        chmodSync(folder, 0o755);
      }
    },
    60_000,
  );

  it.runIf(!root || setpriv)(
    "starts from a MODEL_DIR the user may enter but not list (mode 711), as serving needs no listing",
    async () => {
      const models = join(work, "serve-enter-only");
      await installModel("tiny/esrgan-x4", models);
      // As root through setpriv, a folder of root's with mode 711; as another user, their own with mode 100.
      chmodSync(models, root ? 0o711 : 0o100);
      const child = spawn(...lockedOutCommand(serveArgs(models)), { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        for (let i = 0; i < 200 && !/"msg":"model loaded"/.test(out); i++) {
          if (child.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const port = /"msg":"listening".*?"port":(\d+)/.exec(out)?.[1];
        expect(port, out).toBeDefined();
        expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: "OK" });
      } finally {
        child.kill();
        await exited;
        chmodSync(models, 0o755);
      }
    },
    60_000,
  );

  it("says a model folder of another pipeline holds that pipeline's model, not that a file is missing", async () => {
    const models = join(work, "serve-other-pipeline");
    // What an SVD folder says about itself; the files the upscale and SD loads look for first are not there.
    const svdIndex = JSON.stringify({ _class_name: "StableVideoDiffusionPipeline", unet: ["diffusers", "U"] });
    mkdirSync(join(models, "tiny", "svd"), { recursive: true });
    writeFileSync(join(models, "tiny", "svd", "model_index.json"), svdIndex);
    writeFileSync(
      join(models, "tiny", "svd", "avs-model.json"),
      JSON.stringify({ model_id: "tiny/svd", pipeline: "image-to-video", tiny: true, source: "test" }),
    );
    mkdirSync(join(models, "org", "svd"), { recursive: true });
    writeFileSync(join(models, "org", "svd", "model_index.json"), svdIndex);
    const cases: Array<[string, string, string]> = [
      [
        "upscale",
        "tiny/svd",
        `${join(models, "tiny", "svd")} holds an image-to-video model (avs-model.json), not an upscale one: ` +
          "set PIPELINE=image-to-video or pick an upscale model",
      ],
      [
        "text-to-image",
        "org/svd",
        `${join(models, "org", "svd")} holds an image-to-video model (model_index.json: ` +
          "StableVideoDiffusionPipeline), not a text-to-image one: set PIPELINE=image-to-video or pick a " +
          "text-to-image model",
      ],
    ];
    for (const [pipeline, modelId, error] of cases) {
      const log = memoryLogger();
      const server = await startRunnerServer(testConfig(models, { pipeline, modelId }), log);
      try {
        await server.runner.ready;
        expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ERROR" });
        expect(log.lines.find((l) => l.msg === "model failed to load")?.error, pipeline).toBe(error);
      } finally {
        await server.stop();
      }
    }
  }, 60_000);

  it("still starts when only the model's folder is missing, and reports ERROR with the command that installs it", async () => {
    const models = join(work, "serve-empty");
    mkdirSync(models);
    const log = memoryLogger();
    const server = await startRunnerServer(testConfig(models), log);
    try {
      await server.runner.ready;
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ERROR" });
      expect(String(log.lines.find((l) => l.msg === "model failed to load")?.error)).toContain(
        "install the model with `avs-runner models install tiny/esrgan-x4`",
      );
    } finally {
      await server.stop();
    }
  }, 30_000);
});
