import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../../test/helpers.js";
import { currentOwner, ownerState, SCRATCH_PREFIXES, scratchDirPrefix, sweepStaleScratch } from "./scratch-dirs.js";

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

const DAY = 24 * 60 * 60 * 1000;

describe("scratch dirs", () => {
  let dir: string;
  const me = currentOwner();
  /** Makes `name` under the test dir holding `bytes` bytes, last modified `ageMs` ago. */
  const make = async (name: string, bytes = 10, ageMs = 0) => {
    const path = join(dir, name);
    await mkdir(path);
    await writeFile(join(path, "upload"), Buffer.alloc(bytes));
    const when = new Date(Date.now() - ageMs);
    await utimes(path, when, when);
    return name;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-scratch-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names a dir after this process, in the temporary directory", () => {
    expect(scratchDirPrefix("video-upscale", dir)).toBe(join(dir, `avs-video-upscale-${me.pid}-${me.start}-${me.ns}-`));
    if (process.platform === "linux") {
      expect(me.start).toMatch(/^[1-9]\d*$/);
      expect(me.ns).toMatch(/^[1-9]\d*$/);
    }
  });

  it("tells a live owner from a gone one, a reused pid and a zombie from their owner", async () => {
    expect(ownerState(me)).toBe("live");
    expect(ownerState({ ...me, pid: await deadPid() })).toBe("gone");
    expect(ownerState({ pid: process.ppid, start: "0", ns: me.ns })).toBe("live");
    expect(ownerState({ ...me, ns: "1" })).toBe("unknown");
    if (process.platform === "linux") {
      // The same pid started at another time: a runner restarted in a container gets the pid it had.
      expect(ownerState({ ...me, start: String(Number(me.start) + 1) })).toBe("gone");
      // A zombie: `sleep 1` exits, and its parent (sh, replaced by `sleep 10`) never reaps it. It ends after the
      // exec: a `sleep 0` could end before it, and sh reaped it then (a CI run under load found no /proc entry).
      const parent = spawn("sh", ["-c", "sleep 1 & echo $!; exec sleep 10"], { stdio: ["ignore", "pipe", "ignore"] });
      try {
        const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (d) => resolve(`${d}`))));
        await waitFor(() => readFileSync(`/proc/${pid}/stat`, "latin1").includes(") Z "));
        expect(ownerState({ pid, start: "0", ns: me.ns })).toBe("gone");
      } finally {
        parent.kill("SIGKILL");
      }
    }
  });

  it("removes the dirs of gone owners and old unnamed ones, and keeps everything else", async () => {
    const dead = await deadPid();
    const tag = (pid: number, start = me.start, ns = me.ns) => `${pid}-${start}-${ns}`;
    const gone = [
      await make(`avs-video-upscale-${tag(dead)}-aB3dE6`, 1000),
      await make(`avs-frame-interpolation-${tag(dead, "0", "0")}-Zz9Yy8`, 24),
      await make("avs-video-upscale-Qw12Er", 5, 2 * DAY),
      await make(`avs-frame-interpolation-${tag(dead, "7", "1")}-Xx1Xx1`, 1, 2 * DAY),
    ];
    const kept = [
      await make(`avs-video-upscale-${tag(process.pid)}-aaaaaa`),
      await make(`avs-frame-interpolation-${tag(process.ppid, "0")}-bbbbbb`),
      await make("avs-video-upscale-Qw12Ty"),
      await make(`avs-video-upscale-${tag(dead, "7", "1")}-cccccc`),
      await make(`avs-video-upscale-${tag(dead)}-too-long`),
      await make(`avs-image-to-video-${tag(dead)}-dddddd`),
      await make(`avs-video-upscale-${tag(0)}-eeeeee`),
      await make(`avs-video-upscale-${tag(dead)}-eeeee`),
    ];
    if (process.platform === "linux") gone.push(await make(`avs-video-upscale-${tag(process.pid, "1")}-ffffff`, 3));
    // Neither a file nor a symbolic link with a dir's name is touched, nor what the link points at.
    await writeFile(join(dir, `avs-video-upscale-${tag(dead)}-gggggg`), "x");
    const target = await make("target", 7, 2 * DAY);
    await symlink(join(dir, target), join(dir, `avs-video-upscale-${tag(dead)}-hhhhhh`));
    await symlink(join(dir, target), join(dir, "avs-video-upscale-Qw12Ui"));
    kept.push(target, `avs-video-upscale-${tag(dead)}-gggggg`, `avs-video-upscale-${tag(dead)}-hhhhhh`);
    kept.push("avs-video-upscale-Qw12Ui");

    const swept = await sweepStaleScratch({ dir });
    expect(swept.removed.sort()).toEqual([...gone].sort());
    expect(swept.bytes).toBe(1000 + 24 + 5 + 1 + (process.platform === "linux" ? 3 : 0));
    expect((await readdir(dir)).sort()).toEqual([...kept].sort());
    expect(existsSync(join(dir, target, "upload"))).toBe(true);
  });

  it("every pipeline's prefix is swept", async () => {
    const dead = await deadPid();
    for (const p of SCRATCH_PREFIXES) await make(`avs-${p}-${dead}-0-0-abcdef`);
    expect((await sweepStaleScratch({ dir })).removed).toHaveLength(SCRATCH_PREFIXES.length);
  });

  it("finds nothing in a dir that does not exist", async () => {
    expect(await sweepStaleScratch({ dir: join(dir, "nope") })).toEqual({ removed: [], bytes: 0 });
  });
});
