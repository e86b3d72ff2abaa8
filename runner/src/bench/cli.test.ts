/**
 * @module `avs-runner bench` as a process: every flag checked before any work (nothing installed, nothing printed),
 * strict numbers, the real list of pipelines, and what a run leaves behind — its temporary model dir and the runner
 * process it started — removed when it is stopped by SIGTERM or SIGINT or fails. Each run gets a TMPDIR of its own,
 * so what is left there is what that run left.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchMain } from "./cli.js";

const BIN = fileURLToPath(new URL("../../bin/avs-runner.mjs", import.meta.url));

describe("avs-runner bench", () => {
  let root: string;
  /** A fresh, empty TMPDIR, and a models dir that does not exist. */
  const scratch = async () => {
    const dir = await mkdtemp(join(root, "run-"));
    await mkdir(join(dir, "tmp"));
    return { tmp: join(dir, "tmp"), models: join(dir, "models") };
  };
  const bench = (args: string[], tmp: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, "bench", ...args],
        { env: { ...process.env, TMPDIR: tmp } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "avs-runner-bench-cli-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses bad flags before any work, with what each allows", async () => {
    const cases: Array<[string[], string]> = [
      [["--runs", "0"], '--runs must be a whole number from 1 to 9007199254740991, got "0"'],
      [["--runs="], "--runs needs a value"],
      [["--concurrency", "0"], '--concurrency must be a whole number from 1 to 1024, got "0"'],
      [["--warmup", "0x1"], '--warmup must be a whole number from 0 to 9007199254740991, got "0x1"'],
      [["--intra-op-threads", " 2"], '--intra-op-threads must be a whole number from 0 to 1024, got " 2"'],
      [
        ["--size", "100000"],
        '--size must be a whole number from 1 to 2048 (the runner it starts keeps its default MAX_INPUT_PIXELS of 2048×2048), got "100000"',
      ],
      [
        ["--pipeline", "foo"],
        '--pipeline must be upscale, text-to-image, image-to-image, frame-interpolation, image-to-video or video-upscale, got "foo"',
      ],
      [["--pipeline="], "--pipeline needs a value"],
      [
        ["--pipeline", "video-upscale", "--rounds", "-1"],
        '--rounds must be a whole number from 1 to 9007199254740991, got "-1"',
      ],
      [
        ["--pipeline", "video-upscale", "--seconds", "0"],
        '--seconds must be a number above 0 and at most 9007199254740991, got "0"',
      ],
      [
        ["--pipeline", "text-to-image", "--runs", "1e3"],
        '--runs must be a whole number from 1 to 9007199254740991, got "1e3"',
      ],
      [["--pipeline", "image-to-image", "--strength", "2"], '--strength must be a number from 0 to 1, got "2"'],
      [
        ["--pipeline", "image-to-video", "--request-runs", "+1"],
        '--request-runs must be a whole number from 0 to 9007199254740991, got "+1"',
      ],
      [
        ["--pipeline", "frame-interpolation", "--frames", "1"],
        '--frames must be a whole number from 2 to 9007199254740991 (frames are interpolated between pairs), got "1"',
      ],
      [
        ["--pipeline", "frame-interpolation", "--video", "--runs", "x"],
        '--runs must be a whole number from 1 to 9007199254740991, got "x"',
      ],
      [["--start-up", "--runs", "0"], '--runs must be a whole number from 1 to 9007199254740991, got "0"'],
    ];
    const { tmp, models } = await scratch();
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      for (const [args, message] of cases) {
        await expect(benchMain([...args, "--model-dir", models]), args.join(" ")).rejects.toThrow(message);
        expect(readdirSync(tmp), args.join(" ")).toEqual([]);
        expect(existsSync(models), args.join(" ")).toBe(false);
      }
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it("as a command, exits 1 with the message and nothing else, having installed nothing", async () => {
    const cases: Array<[string[], string]> = [
      [["--runs", "0"], '--runs must be a whole number from 1 to 9007199254740991, got "0"'],
      [
        ["--pipeline", "video-upscale", "--rounds", "-1"],
        '--rounds must be a whole number from 1 to 9007199254740991, got "-1"',
      ],
    ];
    for (const [args, message] of cases) {
      const { tmp, models } = await scratch();
      const r = await bench([...args, "--model-dir", models], tmp);
      expect(r).toEqual({ code: 1, stderr: `avs-runner: ${message}\n`, stdout: "" });
      expect(readdirSync(tmp)).toEqual([]);
    }
  });

  it("removes the temporary dir when installing the model fails", async () => {
    for (const pipeline of ["upscale", "text-to-image"]) {
      const { tmp, models } = await scratch();
      const r = await bench(["--pipeline", pipeline, "--model-id", "tiny/does-not-exist", "--model-dir", models], tmp);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^avs-runner: unknown model "tiny\/does-not-exist"/);
      expect(readdirSync(tmp), pipeline).toEqual([]);
    }
  });

  /** The pid of the process whose environment has `MODEL_DIR=<dir>` (the runner the bench started), once it exists. */
  const runnerServing = async (dir: string) => {
    for (let i = 0; i < 400; i++) {
      for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`MODEL_DIR=${dir}`))
            return Number(pid);
        } catch {}
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no runner process for ${dir}`);
  };

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`removes its temporary model dir and stops its runner process on ${signal}`, async () => {
      const { tmp, models } = await scratch();
      const args = ["--model-id", "tiny/esrgan-x4", "--model-dir", models, "--mode", "http", "--size", "32"];
      const child: ChildProcess = spawn(process.execPath, [BIN, "bench", ...args, "--runs", "100000"], {
        env: { ...process.env, TMPDIR: tmp },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let output = "";
      let installed: string | undefined;
      for await (const chunk of child.stdout!) {
        output += chunk;
        installed = /installed it into (\S+) for this run/.exec(output)?.[1];
        if (installed) break;
      }
      expect(installed?.startsWith(join(tmp, "avs-bench-"))).toBe(true);
      const runner = await runnerServing(installed!);
      expect(existsSync(join(installed!, "tiny", "esrgan-x4"))).toBe(true);
      const exited = once(child, "exit");
      child.kill(signal);
      expect(await exited).toEqual([null, signal]);
      expect(readdirSync(tmp)).toEqual([]);
      for (let i = 0; i < 100 && existsSync(`/proc/${runner}`); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(`/proc/${runner}`)).toBe(false);
    }, 30_000);
  }
});
