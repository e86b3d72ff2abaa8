/**
 * @module A runner that refuses a job body early: it answers 413 as soon as it has the headers and closes the
 * connection while the orchestrator is still sending the body (as `avs-runner` does for a body over its
 * `MAX_UPLOAD_BYTES`). The write to the runner then fails (`EPIPE`, `ECONNRESET`), but the runner did answer, and
 * its answer is what the caller gets — every time, not a "died during the job" 500 and a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng, padPng } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { fakeRunner, modelsDir, startOrchestrator, TINY } from "./helpers.js";

const REFUSAL = { detail: { msg: "request body is larger than the limit of 1048576 bytes" } };

describe("a runner that answers 413 and closes while the body is still being sent", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-refusal-"));
  let runner: http.Server;
  let orch: Orchestrator & { url: string };
  let jobs = 0;

  beforeAll(async () => {
    let url: string;
    ({ server: runner, url } = await fakeRunner((req, res) => {
      jobs++;
      // Refused from the headers, none of the body read; the socket is closed once the answer is out.
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify(REFUSAL), () => req.socket.destroy());
    }));
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 2 },
        { pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 2 },
      ],
      modelsDir: models.dir,
      uploadsDir: uploads,
    });
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    runner?.close();
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  it("passes the runner's 413 on every time, for a body kept in memory and for one spooled to a file", async () => {
    const statuses: string[] = [];
    for (const padding of [3 * 1024 * 1024, 24 * 1024 * 1024]) {
      const image = padPng(encodePng(8, 8, new Uint8Array(8 * 8 * 3)), padding);
      for (let i = 0; i < 8; i++) {
        const form = new FormData();
        form.set("model_id", TINY);
        form.set("prompt", "");
        form.set("image", new Blob([new Uint8Array(image)], { type: "image/png" }), "in.png");
        const before = jobs;
        const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: form });
        // Sent once: a refusal is not a dead runner, so the job is not retried on the other one.
        statuses.push(`${res.status} ${JSON.stringify(await res.json())} sent ${jobs - before}×`);
      }
    }
    expect(statuses).toEqual(Array(16).fill(`413 ${JSON.stringify(REFUSAL)} sent 1×`));
    // Neither runner was taken for dead.
    expect(orch.pool.runners.map((r) => r.state)).toEqual(["ready", "ready"]);
  }, 120_000);
});
