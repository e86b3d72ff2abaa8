/**
 * @module An async job's large file inputs, spooled again from the job store when the job runs: the caller's data,
 * so in a directory only the broadcaster's user can enter and in files only it can read, whatever the umask, as
 * the README's `upload-dir` says.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { restoreBody } from "../src/async-jobs/inputs.js";
import type { JobRecord } from "../src/async-jobs/model.js";
import type { JobStore } from "../src/async-jobs/store.js";

let parent: string | undefined;
afterEach(async () => {
  if (parent) await rm(parent, { recursive: true, force: true });
  parent = undefined;
});

describe("restoreBody", () => {
  it("spools a large input into a new 0700 directory, as a new 0600 file, with its bytes", async () => {
    parent = await mkdtemp(join(tmpdir(), "avs-inputs-"));
    const dir = join(parent, "uploads");
    const bytes = new Uint8Array(1536 * 1024).map((_, i) => i % 251);
    // Only what restoreBody reads of a store and a job.
    const store = {
      async *readFile() {
        for (let at = 0; at < bytes.length; at += 1024 * 1024) yield bytes.subarray(at, at + 1024 * 1024);
      },
    } as unknown as JobStore;
    const job = {
      id: "job_1",
      inputs: {
        fields: { multiplier: 2 },
        files: { video: { name: "clip.mp4", type: "video/mp4", size: bytes.length } },
      },
    } as unknown as JobRecord;
    const spooled: string[] = [];
    const before = process.umask(0o022);
    try {
      const body = await restoreBody(store, job, dir, spooled);
      expect(body.multiplier).toBe(2);
      expect(Buffer.from(await (body.video as File).arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      process.umask(before);
    }
    expect(spooled).toHaveLength(1);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(spooled[0]!)).mode & 0o777).toBe(0o600);
    expect((await readFile(spooled[0]!)).equals(bytes)).toBe(true);
  });
});
