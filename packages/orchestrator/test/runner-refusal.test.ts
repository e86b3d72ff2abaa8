/**
 * @module A runner that refuses a job body early: it answers 413 as soon as it has the headers and closes the
 * connection while the orchestrator is still sending the body (as `avs-runner` does for a body over its
 * `MAX_UPLOAD_BYTES`). The write to the runner then fails (`EPIPE`, `ECONNRESET`), but the runner did answer, and
 * its answer is what the caller gets — every time, not a "died during the job" 500 and a restart — whether the runner
 * is reached over http or https. A runner that closes without answering still fails the call at once.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunnerClient, RunnerConnectionError } from "@ai-video-subnet/runner-client";
import { encodePng, padPng } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { fakeRunner, modelsDir, selfSignedCert, startOrchestrator, TINY } from "./helpers.js";

const REFUSAL = { detail: { msg: "request body is larger than the limit of 1048576 bytes" } };
const cert = selfSignedCert();

for (const scheme of ["http", "https"] as const) {
  if (scheme === "https" && !cert) {
    describe.skip("a runner over https: skipped, there is no openssl on PATH to make its certificate", () => {
      it("(needs openssl)", () => {});
    });
    continue;
  }
  describe(`a runner over ${scheme} that answers 413 and closes while the body is still being sent`, () => {
    const models = modelsDir();
    const uploads = mkdtempSync(join(tmpdir(), "avs-orch-refusal-"));
    const rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    let runner: http.Server;
    let twin: http.Server;
    let url: string;
    let orch: Orchestrator & { url: string };
    let jobs = 0;

    beforeAll(async () => {
      // The orchestrator's runner calls take no CA of their own, and Node 20 cannot add one to the default store
      // once started, so the self-signed certificate is accepted by turning verification off in this file's worker.
      if (scheme === "https") process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      const refuse: http.RequestListener = (req, res) => {
        jobs++;
        // Closed without an answer, none of the body read: a runner that died.
        if (req.headers["x-test-close"]) return void req.socket.destroy();
        // Refused from the headers, none of the body read; the socket is closed once the answer is out.
        res.writeHead(413, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify(REFUSAL), () => req.socket.destroy());
      };
      ({ server: runner, url } = await fakeRunner(refuse, scheme === "https" ? cert : undefined));
      // Two runners of the model, so that a refusal taken for a dead runner would be retried on the other.
      const other = await fakeRunner(refuse, scheme === "https" ? cert : undefined);
      twin = other.server;
      orch = await startOrchestrator({
        models: [
          { pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 2 },
          { pipeline: "upscale", model_id: TINY, url: other.url, token: "ext", capacity: 2 },
        ],
        modelsDir: models.dir,
        uploadsDir: uploads,
      });
    }, 60_000);

    afterAll(async () => {
      await orch?.stop();
      runner?.close();
      twin?.close();
      models.cleanup();
      rmSync(uploads, { recursive: true, force: true });
      if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
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

    it("still fails a call at once with RunnerConnectionError when the runner closes without answering", async () => {
      const client = new RunnerClient({ baseUrl: url, token: "ext" });
      const file = join(uploads, "body.bin");
      const length = 24 * 1024 * 1024;
      writeFileSync(file, Buffer.alloc(length));
      const closeWithoutAnswer = { headers: { "x-test-close": "1" } };
      const outcomes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const body = i % 2 ? createReadStream(file) : Buffer.alloc(3 * 1024 * 1024);
        const started = performance.now();
        const outcome = await client
          .forward("/upscale", { contentType: "application/octet-stream", body, length }, closeWithoutAnswer)
          .then(
            () => "answered",
            (err: unknown) => (err instanceof RunnerConnectionError ? "RunnerConnectionError" : String(err)),
          );
        // The close shows on the read side at once; the 1 s a socket whose write failed waits for an answer is
        // only a backstop, and a call that waited it would take longer than this.
        outcomes.push(`${outcome}${performance.now() - started < 1000 ? "" : " after 1 s or more"}`);
      }
      expect(outcomes).toEqual(Array(8).fill("RunnerConnectionError"));
    }, 60_000);
  });
}
