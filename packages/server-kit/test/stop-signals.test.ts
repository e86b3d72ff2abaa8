/**
 * @module `stopOnSignals` in a real child process (test/fixtures/signal-child.mjs, on the built package) sent real
 * signals: each of SIGINT, SIGTERM and SIGHUP stops it gracefully and it exits 0; later signals are ignored, or with
 * `repeat: "default-action"` the same one ends it at once; a signal before the stop is armed waits for it; a failed
 * stop exits 1, a stuck one is ended by the backstop, and a stop may end the process by the signal itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const CHILD = fileURLToPath(new URL("./fixtures/signal-child.mjs", import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

type Line = Record<string, unknown> & { msg: string };

/** The child with these options: its log lines so far, `arm()`, and its exit (code and signal). */
async function start(options: Record<string, unknown>) {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  const lines: Line[] = [];
  let rest = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
  });
  const exit = new Promise<[number | null, string | null]>((r) => child.once("exit", (c, s) => r([c, s])));
  const seen = (msg: string) => until(() => lines.some((l) => l.msg === msg), msg);
  await seen("up");
  return {
    child,
    lines,
    exit,
    seen,
    messages: () => lines.map((l) => l.msg),
    arm: async () => {
      child.stdin!.write("arm\n");
      await seen("armed");
    },
  };
}

async function until(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("stopOnSignals", () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "stops on %s, logs it with the fields, and exits 0",
    async (sig) => {
      const p = await start({ stopMs: 100 });
      await p.arm();
      p.child.kill(sig);
      expect(await p.exit).toEqual([0, null]);
      expect(p.lines.find((l) => l.msg === "stopping")).toMatchObject({ level: "info", signal: sig, pid: p.child.pid });
      expect(p.lines.filter((l) => l.msg === "stop ran")).toEqual([expect.objectContaining({ signal: sig })]);
    },
  );

  it("ignores every later signal, the same one too: one stop, not cut short", async () => {
    const p = await start({ stopMs: 1000 });
    await p.arm();
    p.child.kill("SIGTERM");
    await p.seen("stop ran");
    for (const sig of ["SIGTERM", "SIGINT", "SIGHUP", "SIGTERM"] as const) p.child.kill(sig);
    expect(await p.exit).toEqual([0, null]);
    expect(p.messages().filter((m) => m === "stopping" || m === "stop ran")).toEqual(["stopping", "stop ran"]);
  });

  it("with repeat: default-action, ends at once on the same signal again, and ignores the others, repeated", async () => {
    const p = await start({ stopMs: 30_000, repeat: "default-action", stoppingMessage: "shutting down" });
    await p.arm();
    p.child.kill("SIGINT");
    await p.seen("stop ran");
    // The others, even twice each, are ignored: only the signal that began the stop ends it.
    for (const sig of ["SIGTERM", "SIGHUP", "SIGTERM", "SIGHUP"] as const) {
      p.child.kill(sig);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(p.child.exitCode).toBe(null);
    p.child.kill("SIGINT");
    expect(await p.exit).toEqual([null, "SIGINT"]);
    expect(p.lines.find((l) => l.msg === "shutting down")).toMatchObject({ signal: "SIGINT" });
  });

  it("keeps a signal that comes before the stop is armed, and stops once it is", async () => {
    const p = await start({ stopMs: 50 });
    p.child.kill("SIGHUP");
    await new Promise((r) => setTimeout(r, 300));
    expect([p.child.exitCode, p.messages()]).toEqual([null, ["up"]]);
    await p.arm();
    expect(await p.exit).toEqual([0, null]);
    expect(p.lines.find((l) => l.msg === "armed")).toMatchObject({ signal: "SIGHUP" });
    expect(p.messages().slice(1)).toEqual(["armed", "stopping", "stop ran"]);
  });

  it("logs a failed stop and exits 1", async () => {
    const p = await start({ ending: "reject", failedMessage: "shutdown failed" });
    await p.arm();
    p.child.kill("SIGTERM");
    expect(await p.exit).toEqual([1, null]);
    expect(p.lines.at(-1)).toMatchObject({
      level: "error",
      msg: "shutdown failed",
      error: "the store would not close",
    });
  });

  it("ends a stop that hangs after backstopMs from the signal, with exit 1", async () => {
    const p = await start({ ending: "hang", backstopMs: 500 });
    p.child.kill("SIGTERM");
    const signalled = Date.now();
    await p.arm();
    expect(await p.exit).toEqual([1, null]);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(450);
    expect(p.lines.at(-1)).toMatchObject({
      level: "error",
      msg: "could not stop in time; exiting anyway",
      waited_s: 0.5,
    });
  });

  it("ends the process by the signal itself when the stop asks", async () => {
    const p = await start({ ending: "by-signal" });
    await p.arm();
    p.child.kill("SIGHUP");
    expect(await p.exit).toEqual([null, "SIGHUP"]);
    expect(p.messages()).not.toContain("stop failed");
  });
});
