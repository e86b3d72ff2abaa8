/**
 * @module The demo program as a user runs it (the built `devnet/dist/demo.js`, which `npm run demo` starts after
 * installing and building): `--once` runs one job per available pipeline, writes the results, prints the table
 * and exits 0; without it, it serves until SIGINT (Ctrl-C) and then leaves no process behind.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { descendants, isAlive, probeVideo } from "@ai-video-subnet/test-kit";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_HELP } from "../src/demo/options.js";
import { planModels } from "../src/models/model-plan.js";

const DEMO = join(import.meta.dirname, "..", "dist", "demo.js");

function startDemo(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = "";
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe("the demo program", () => {
  const dir = mkdtempSync(join(tmpdir(), "avs-demo-"));
  const common = ["--models-dir", join(dir, "models"), "--output-dir", join(dir, "out")];
  // The stop tests need every kind of process the demo starts, not two of each: one orchestrator and its six runners.
  const serving = [...common, "--orchestrators", "1"];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("npm run demo -- --help prints the demo's help before installing or building anything", async () => {
    const script = join(import.meta.dirname, "..", "..", "scripts", "demo.mjs");
    const { stdout } = await promisify(execFile)(process.execPath, [script, "--help"], { timeout: 10_000 });
    expect(stdout).toBe(DEMO_HELP);
  });

  it("--once: one job per available pipeline, results written, a table, exit 0", async () => {
    const demo = startDemo(["--once", ...common]);
    const code = await demo.exited;
    const out = demo.output();
    expect(code, out).toBe(0);
    const plan = planModels();
    expect(plan.some((m) => m.pipeline === "upscale")).toBe(true);
    for (const m of plan) {
      expect(out).toMatch(
        new RegExp(`^${m.pipeline} +${m.modelId.replace(/[/.]/g, "\\$&")}.* +orchestrator-[12] +\\d+ ms`, "m"),
      );
      const files = ["png", "mp4"].map((ext) => join(dir, "out", `${m.pipeline}.${ext}`)).filter(existsSync);
      expect(files, `${m.pipeline} result`).toHaveLength(1);
      expect(statSync(files[0]!).size).toBeGreaterThan(100);
    }
    // Frame interpolation: the 12-frame 8 fps clip at 24 fps, same 1.5 s.
    expect(plan.some((m) => m.pipeline === "frame-interpolation")).toBe(true);
    const film = await probeVideo(new Uint8Array(readFileSync(join(dir, "out", "frame-interpolation.mp4"))));
    expect(film).toMatchObject({ codec: "h264", width: 64, height: 64, frames: 36, fps: 24 });
    // The SVD → FILM chain: ~2 s at 24 fps from one image (14 frames at 7 fps → 48).
    expect(out).toMatch(/^image-to-video-24fps +tiny\/svd.* +orchestrator-[12] +\d+ ms/m);
    expect(out).toMatch(/~2 s at 24 fps in \d+ ms: .*image-to-video-24fps\.mp4/);
    const chain = await probeVideo(join(dir, "out", "image-to-video-24fps.mp4"));
    expect(chain).toMatchObject({ codec: "h264", frames: 48, fps: 24 });
    if (plan.some((m) => m.tiny)) expect(out).toMatch(/tiny test model: not trained/);
    expect(out).toMatch(/all \d+ job\(s\) succeeded/);
  });

  it("serves until SIGINT, then stops every process it started", async () => {
    const demo = startDemo(serving);
    const deadline = Date.now() + 120_000;
    while (!demo.output().includes("Serving until Ctrl-C") && Date.now() < deadline && demo.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(demo.output()).toContain("Serving until Ctrl-C");
    const started = descendants(demo.child.pid!);
    // The broadcaster, the orchestrator with its runners and reapers, and the guardian at least.
    expect(started.length).toBeGreaterThanOrEqual(6);
    const broadcaster = /broadcaster +(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())![1]!;
    expect((await fetch(`${broadcaster}/health`)).status).toBe(200);
    // A request without model_id (as Livepeer's clients may send) runs the demo's model of its pipeline.
    const upscaler = planModels().find((m) => m.pipeline === "upscale")!.modelId;
    expect(demo.output()).toContain(`upscale=${upscaler}`);
    const form = new FormData();
    form.append("prompt", "");
    const still = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#3a6" } })
      .png()
      .toBuffer();
    form.append("image", new Blob([new Uint8Array(still)], { type: "image/png" }), "still.png");
    const res = await fetch(`${broadcaster}/upscale`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const [media] = ((await res.json()) as { images: Array<{ url: string }> }).images;
    expect((await sharp(Buffer.from(await (await fetch(media!.url)).arrayBuffer())).metadata()).width).toBe(
      16 * Number(/x(\d)$/.exec(upscaler)?.[1] ?? 4),
    );
    demo.child.kill("SIGINT");
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toMatch(/stopped; no process left behind/);
    await new Promise((r) => setTimeout(r, 500));
    expect(started.filter(isAlive)).toEqual([]);
  });

  it("killed outright (SIGKILL), it still leaves no process behind: the guardian and the reapers clean up", async () => {
    const demo = startDemo(serving);
    const deadline = Date.now() + 120_000;
    while (!demo.output().includes("Serving until Ctrl-C") && Date.now() < deadline && demo.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(demo.output()).toContain("Serving until Ctrl-C");
    const started = descendants(demo.child.pid!);
    expect(started.length).toBeGreaterThanOrEqual(6);
    demo.child.kill("SIGKILL");
    await demo.exited;
    const gone = Date.now() + 20_000;
    while (started.some(isAlive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 250));
    expect(started.filter(isAlive)).toEqual([]);
  });
});
