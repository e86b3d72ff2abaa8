/**
 * @module The `avs-orchestrator` binary as a process: the `listening` line, clear start-up errors naming the bad
 * entry, graceful SIGTERM, and no orphaned runners when the orchestrator is killed with SIGKILL — alone, or with its
 * whole process group (as a service manager or `kill -9 -<pgid>` does).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { alive, eventually, modelsDir, png, runOrchestratorBin, TINY, upscaleForm } from "./helpers.js";

const models = modelsDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  models.cleanup();
});
const run = (args: string[], options: { ownGroup?: boolean; env?: NodeJS.ProcessEnv } = {}) =>
  runOrchestratorBin(args, { ...options, children });

function config(entries: unknown): string {
  const file = join(models.dir, "..", `aiModels-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

/** An orchestrator with one warm tiny upscaler; resolves with it and its runner's pid once the runner is ready. */
async function withWarmRunner(options: { ownGroup?: boolean; env?: NodeJS.ProcessEnv; args?: string[] } = {}) {
  const p = run(
    [
      "--config",
      config([{ pipeline: "upscale", model_id: TINY, warm: true }]),
      "--models-dir",
      models.dir,
      "--port",
      "0",
      ...(options.args ?? []),
    ],
    options,
  );
  const ready = await eventually(() => p.lines.find((l) => l.msg === "runner ready"), 30_000, "runner ready");
  const runnerPid = Number(ready.id);
  expect(alive(runnerPid)).toBe(true);
  return { p, runnerPid };
}

describe("avs-orchestrator", () => {
  it("exits 2 with a message naming the bad entry", async () => {
    const p = run([
      "--config",
      config([
        { pipeline: "upscale", model_id: TINY },
        { pipeline: "upscale", model_id: 7 },
      ]),
    ]);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain("entry 1 (upscale): model_id must be a non-empty string, got 7");
  });

  it("refuses a bad setting before anything starts, naming it and what is allowed", async () => {
    const p = run(["--port", "70000"]);
    expect(await p.exit).toBe(2);
    expect(JSON.parse(p.stderr())).toMatchObject({
      msg: "bad configuration",
      error: 'port must be a whole number from 0 to 65535, got "70000"',
    });
  });

  it("refuses a bad secret, metrics-token or max-upload-bytes naming the setting, never the secret's value", async () => {
    const rule =
      "must hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires of a bearer token; the value given (not shown: it is a secret) holds something else";
    const refused = async (args: string[]) => {
      const p = run(args);
      return [await p.exit, JSON.parse(p.stderr())];
    };
    expect(await refused(["--secret", "pass word"])).toEqual([2, expect.objectContaining({ error: `secret ${rule}` })]);
    expect(await refused(["--metrics-token", "ä"])).toEqual([
      2,
      expect.objectContaining({ msg: "bad configuration", error: `metrics-token ${rule}` }),
    ]);
    expect(await refused(["--max-upload-bytes", "0"])).toEqual([
      2,
      expect.objectContaining({
        error: 'max-upload-bytes must be a whole number from 1048576 to 9007199254740991, got "0"',
      }),
    ]);
  });

  it("removes its temporary directories when it cannot listen, and logs no misleading `stopped`", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    const tmp = mkdtempSync(join(tmpdir(), "avs-failed-start-"));
    try {
      const entries = [{ pipeline: "upscale", model_id: TINY }];
      const args = ["--config", config(entries), "--models-dir", models.dir, "--port", String(port)];
      const p = run(args, { env: { TMPDIR: tmp } });
      expect(await p.exit).toBe(1);
      expect(JSON.parse(p.stderr().trim().split("\n").at(-1)!)).toMatchObject({
        msg: "failed",
        error: `cannot listen on 127.0.0.1:${port}: the address is in use (EADDRINUSE); another process listens there; stop it, or choose another port`,
      });
      expect(readdirSync(tmp)).toEqual([]);
      // The error line says why it exits; a `stopped` line (on stdout, before it) read as a clean stop.
      expect(p.lines.map((l) => l.msg)).not.toContain("stopped");
    } finally {
      busy.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("prints a listening line, and on SIGTERM stops its runners and exits 0", async () => {
    const { p, runnerPid } = await withWarmRunner();
    const listening = await eventually(
      () => p.lines.find((l) => l.msg === "listening" && !l.runner),
      20_000,
      "listening",
    );
    expect(typeof listening.port).toBe("number");
    const health = await fetch(`http://127.0.0.1:${listening.port}/health`);
    expect(await health.json()).toEqual({ status: "OK" });
    // The runner was ready (above), so the start is over: ready, and logged so.
    await eventually(() => p.lines.find((l) => l.msg === "ready"), 20_000, "ready");
    const ready = await fetch(`http://127.0.0.1:${listening.port}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "OK" }]);
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
    expect(alive(runnerPid)).toBe(false);
  }, 60_000);

  it("stops quietly on a SIGTERM while its runners are still starting", async () => {
    // A runner command that never listens keeps the start going until the SIGTERM, whatever the machine's load.
    const slow = join(models.dir, "..", "never-listens.sh");
    writeFileSync(slow, "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
    const entries = config([{ pipeline: "upscale", model_id: TINY, warm: true }]);
    const p = run(["--config", entries, "--models-dir", models.dir, "--port", "0", "--runner-command", slow]);
    await eventually(() => p.lines.find((l) => l.msg === "listening" && !l.runner), 20_000, "listening");
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
    expect(p.lines.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
    expect(p.lines.map((l) => l.msg)).toContain("runner stopped while starting");
  }, 60_000);

  it("leaves no runner behind when killed with SIGKILL", async () => {
    const { p, runnerPid } = await withWarmRunner();
    p.child.kill("SIGKILL");
    await p.exit;
    await eventually(() => !alive(runnerPid), 10_000, "runner killed by the reaper");
  }, 60_000);

  it("leaves no temporary directory behind when killed with SIGKILL, and a restart needs none of them", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "avs-killed-"));
    const outputDir = mkdtempSync(join(tmpdir(), "avs-killed-outputs-"));
    writeFileSync(join(outputDir, "earlier.png"), "an operator's file");
    try {
      const first = await withWarmRunner({ env: { TMPDIR: tmp } });
      expect(readdirSync(tmp).sort()).toEqual([
        expect.stringMatching(/^avs-orchestrator-outputs-/),
        expect.stringMatching(/^avs-orchestrator-uploads-/),
      ]);
      first.p.child.kill("SIGKILL");
      await first.p.exit;
      await eventually(() => readdirSync(tmp).length === 0, 15_000, "the temporary directories removed");
      expect(alive(first.runnerPid)).toBe(false);
      // The restart makes directories of its own, serves a job, and the operator's output-dir outlives its crash.
      const second = await withWarmRunner({ env: { TMPDIR: tmp }, args: ["--output-dir", outputDir] });
      const port = (
        await eventually(() => second.p.lines.find((l) => l.msg === "listening" && !l.runner), 20_000, "listening")
      ).port;
      const res = await fetch(`http://127.0.0.1:${port}/upscale`, {
        method: "POST",
        body: upscaleForm(TINY, png(8, 8)),
      });
      expect(res.status).toBe(200);
      expect(readdirSync(tmp)).toEqual([expect.stringMatching(/^avs-orchestrator-uploads-/)]);
      second.p.child.kill("SIGKILL");
      await second.p.exit;
      await eventually(() => readdirSync(tmp).length === 0, 15_000, "the uploads directory removed");
      expect(readdirSync(outputDir)).toEqual(["earlier.png"]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(outputDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("leaves no runner behind when its whole process group is killed with SIGKILL", async () => {
    const { p, runnerPid } = await withWarmRunner({ ownGroup: true });
    process.kill(-p.child.pid!, "SIGKILL");
    await p.exit;
    await eventually(() => !alive(runnerPid), 10_000, "runner killed by the reaper");
  }, 60_000);
});
