/**
 * @module The reaper's directories: when its parent goes (here: `close()`, which ends the pipe as the parent's death
 * does), it stops the watched process groups first and then removes the directories it was told to, and leaves alone
 * the ones it was told to keep. The orchestrator's CLI test kills a real orchestrator with SIGKILL for the same path.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Reaper } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "avs-reaper-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Reaper directories", () => {
  it("removes the listed directories once the groups are gone, and no other", async () => {
    const scratch = mkdtempSync(join(root, "scratch-"));
    writeFileSync(join(scratch, "partial.png"), "x");
    const kept = mkdtempSync(join(root, "kept-"));
    const odd = join(root, 'a "quoted"\nname');
    mkdirSync(odd);
    writeFileSync(join(odd, "spool"), "x");
    const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
    const reaper = new Reaper({ graceMs: 5000 });
    reaper.watch(child.pid!);
    reaper.removeOnExit(scratch);
    reaper.removeOnExit(odd);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await reaper.close();
    await exited;
    expect(alive(child.pid!)).toBe(false);
    expect(existsSync(scratch)).toBe(false);
    expect(existsSync(odd)).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });
});
