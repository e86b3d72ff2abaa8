/**
 * @module A large upload of the wrong type through the orchestrator to a real `avs-runner` (the tiny upscaler): the
 * runner refuses it from its first bytes and closes the connection while the orchestrator is still sending the body
 * (see the runner's upload checks), and the caller gets the runner's 415 and message — not a 500 for a runner taken
 * for dead, and not a retry — whether the body was forwarded from memory or from the orchestrator's spool file, and
 * whether the caller sent it with a length or chunked. The runner is not restarted, no upload file is left, and the
 * next job is served.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { modelsDir, png, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

/** Bytes that are no image: the first eight show in the runner's message. */
function notAnImage(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}
const HEAD = Array.from(notAnImage(8), (b) => b.toString(16).padStart(2, "0")).join(" ");

describe("an upload of the wrong type, refused by the runner from its first bytes", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-wrong-type-"));
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) };
  let orch: Orchestrator & { url: string };

  beforeAll(async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      uploadsDir: uploads,
      log,
    });
  }, 120_000);

  afterAll(async () => {
    await orch?.stop();
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  it.each([
    ["3 MB, forwarded from memory", 3 * 1024 * 1024, false],
    ["40 MB, forwarded from the spool file", 40 * 1024 * 1024, false],
    ["40 MB sent chunked", 40 * 1024 * 1024, true],
  ])(
    "reaches the caller as the runner's 415 (%s), and the next job is served",
    async (_, size, chunked) => {
      const runner = orch.pool.runners[0]!;
      const pid = runner.id;
      const form = new Response(upscaleForm(TINY, notAnImage(size)));
      const type = form.headers.get("content-type")!;
      const bytes = new Uint8Array(await form.arrayBuffer());
      const body = chunked
        ? new ReadableStream({
            start(ctl) {
              for (let i = 0; i < bytes.length; i += 1024 * 1024) ctl.enqueue(bytes.subarray(i, i + 1024 * 1024));
              ctl.close();
            },
          })
        : bytes;
      const started = performance.now();
      const res = await fetch(`${orch.url}/upscale`, {
        method: "POST",
        headers: { "content-type": type },
        body,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({
        detail: { msg: `image must be a PNG, JPEG or WebP file; its bytes start with ${HEAD}` },
      });
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(readdirSync(uploads)).toEqual([]);
      const good = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY, png(16, 8)) });
      expect(good.status).toBe(200);
      expect((await good.json()).images).toHaveLength(1);
      // The same runner process answered both: the refusal was not taken for a runner that died mid-job.
      expect([runner.state, runner.id]).toEqual(["ready", pid]);
      expect(warnings).toEqual([]);
    },
    60_000,
  );
});
