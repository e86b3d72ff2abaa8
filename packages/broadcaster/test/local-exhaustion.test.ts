/**
 * @module A full output disk (a 1 MiB tmpfs) is the gateway's own failure: 503 without internals, and the
 * orchestrator that did the job is neither held back nor marked failed. Needs root for `mount -t tmpfs`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const root = process.getuid?.() === 0;
const CAP = { pipeline: "text-to-image", model_id: "tiny/sd-turbo" };
const JOB = { model_id: "tiny/sd-turbo", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };

describe.skipIf(!root)("local resource exhaustion", () => {
  let mount = "";
  beforeAll(() => {
    mount = mkdtempSync(join(tmpdir(), "avs-tiny-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]);
  });
  afterAll(() => {
    execFileSync("umount", [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

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
});
