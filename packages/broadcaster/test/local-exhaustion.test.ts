/**
 * @module A full output disk (a 1 MiB tmpfs) is the gateway's own failure: 503 without internals, and the
 * orchestrator that did the job is neither held back nor marked failed. An asynchronous job waits such a failure out
 * instead (a full output disk, or no room to spool its input). Needs root for `mount -t tmpfs`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const root = process.getuid?.() === 0;
const CAP = { pipeline: "text-to-image", model_id: "tiny/sd-turbo" };
const JOB = { model_id: "tiny/sd-turbo", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };

/** A new directory with a tmpfs of `size` mounted on it. */
function tinyDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), "avs-tiny-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  return dir;
}

function unmount(dir: string) {
  execFileSync("umount", [dir]);
  rmSync(dir, { recursive: true, force: true });
}

/** Fills the disk of `dir` to its last page with a file, whose path it returns. */
function fill(dir: string): string {
  const filler = join(dir, "filler");
  try {
    writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
  }
  return filler;
}

/** Waits a while, and expects `id` to be running still: waiting out the full disk, neither failed nor done. */
async function stillRunning(url: string, id: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 1500));
  const job = (await (await fetch(`${url}/jobs/${id}`)).json()) as ApiJob;
  expect([job.status, job.error]).toEqual(["running", undefined]);
}

describe.skipIf(!root)("local resource exhaustion", () => {
  let mount = "";
  beforeAll(() => {
    mount = tinyDisk("1m");
  });
  afterAll(() => unmount(mount));

  it("answers 503 on a full output disk without penalising the orchestrator, and recovers when space frees", async () => {
    const o = await startFakeOrchestrator([CAP]);
    const t = await startBroadcaster({ orchestrators: [o.url], outputs: { kind: "local", dir: join(mount, "out") } });
    try {
      const ok = await textToImage(t.url, JOB);
      expect(ok.status).toBe(200);
      const filler = join(mount, "filler");
      try {
        writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
      }
      // Small outputs are appended to a pack file: a few more may still fit in its last page; the first that does
      // not is refused.
      let full: Response | undefined;
      for (let i = 0; i < 200 && !full; i++) {
        const res = await textToImage(t.url, JOB);
        if (res.status === 200) await res.arrayBuffer();
        else full = res;
      }
      expect(full?.status).toBe(503);
      expect(full!.headers.get("retry-after")).toBe("5");
      const msg = (await full!.json()).detail.msg as string;
      expect(msg).toBe("the gateway is short of local resources (files, disk or memory) right now; retry later");
      const sent = o.jobs.length;
      const [orch] = t.b.registry.list();
      expect(orch!.backoff.heldBack(Date.now())).toBe(false);
      const line = t.logs.find((l) => l.msg === "attempt failed on a local resource; orchestrator not held back");
      expect(String(line?.reason)).toContain("ENOSPC");
      rmSync(filler);
      const again = await textToImage(t.url, JOB);
      expect(again.status).toBe(200);
      expect(o.jobs).toHaveLength(sent + 1);
    } finally {
      await t.close();
      await o.close();
    }
  });

  it("lets an asynchronous job wait out a full output disk: it succeeds once space frees, sent once", async () => {
    const o = await startFakeOrchestrator([CAP]);
    // A directory of its own: no pack file with room left in its last page.
    const t = await startBroadcaster({ orchestrators: [o.url], outputs: { kind: "local", dir: join(mount, "async") } });
    const filler = fill(mount);
    try {
      const res = await submitAsync(t.url, JOB);
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as ApiJob;
      await stillRunning(t.url, id);
      rmSync(filler);
      const done = await waitForJob(t.url, id);
      expect([done.status, done.error]).toEqual(["succeeded", undefined]);
      expect(o.jobs).toHaveLength(1);
      const image = await fetch(done.result!.images[0]!.url);
      expect(image.status).toBe(200);
    } finally {
      rmSync(filler, { force: true });
      await t.close();
      await o.close();
    }
  });

  it("answers 503 to an asynchronous job the full disk of its job store cannot take, and stores none of it", async () => {
    const disk = tinyDisk("2m");
    const db = join(disk, "jobs.sqlite");
    const o = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    const t = await startBroadcaster({ orchestrators: [o.url], jobsDb: db });
    const filler = fill(disk);
    try {
      const form = new FormData();
      form.append("model_id", "m");
      form.append("prompt", "");
      form.append("image", new Blob([new Uint8Array(256 * 1024).fill(7)], { type: "image/png" }), "a.png");
      const headers = { prefer: "respond-async", "idempotency-key": "full-disk" };
      const res = await fetch(`${t.url}/upscale`, { method: "POST", body: form, headers });
      expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
        503,
        "5",
        {
          detail: {
            msg: "this server is short of local resources (files, disk or memory) to serve the request right now; retry later",
          },
        },
      ]);
      const line = t.logs.find((l) => l.msg === "short of local resources");
      expect(line?.code).toBe("SQLITE_FULL");
      expect(t.logs.filter((l) => l.msg === "unhandled error")).toEqual([]);
      rmSync(filler);
      const stored = new Database(db, { readonly: true });
      const count = (table: string) => (stored.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect([count("jobs"), count("job_files")]).toEqual([0, 0]);
      stored.close();
      // The same request again, now that there is room: a new job, not one the full disk half made.
      const again = await fetch(`${t.url}/upscale`, { method: "POST", body: form, headers });
      expect(again.status).toBe(202);
      const done = await waitForJob(t.url, ((await again.json()) as ApiJob).id);
      expect(done.status).toBe("succeeded");
    } finally {
      await t.close();
      await o.close();
      unmount(disk);
    }
  });

  it("lets an asynchronous job wait out a disk with no room to spool its input, then sends the input whole", async () => {
    const uploads = tinyDisk("2m");
    const o = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    const t = await startBroadcaster({ orchestrators: [o.url], uploadDir: uploads });
    const filler = fill(uploads);
    try {
      // Over the 1 MiB that a restored input may take in memory: spooled to the upload directory to be sent.
      const bytes = new Uint8Array(1536 * 1024).map((_, i) => (i * 31) % 251);
      const form = new FormData();
      form.append("model_id", "m");
      form.append("prompt", "");
      form.append("image", new Blob([bytes], { type: "image/png" }), "big.png");
      const res = await fetch(`${t.url}/upscale`, { method: "POST", body: form, headers: { prefer: "respond-async" } });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as ApiJob;
      await stillRunning(t.url, id);
      expect(o.uploads).toHaveLength(0);
      rmSync(filler);
      const done = await waitForJob(t.url, id);
      expect([done.status, done.error]).toEqual(["succeeded", undefined]);
      expect(o.uploads).toHaveLength(1);
      expect(Buffer.compare(o.uploads[0]!, Buffer.from(bytes))).toBe(0);
    } finally {
      await t.close();
      await o.close();
      unmount(uploads);
    }
  });
});
