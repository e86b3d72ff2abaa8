/**
 * @module The idle-body timeout (`body-idle-timeout`) at the orchestrator: an upload that stops mid-way, past the
 * spool's memory part, gets the 408 after the idle limit rather than the receive timeout, and leaves nothing behind —
 * no spool file, no call at the runner (a FAKE external runner counting the job requests it has open), no slot taken;
 * a slow but steady upload still runs. Raw sockets, to stall a body and to dribble one.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { padPng } from "@ai-video-subnet/server-kit";
import { inPieces, multipartBytes, rawUpload } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { eventually, fakeRunner, modelsDir, png, startOrchestrator, TINY } from "./helpers.js";

/** An upscale form whose image is a PNG padded to about `padding` bytes. */
function form(padding: number): Buffer {
  return multipartBytes({ model_id: TINY, prompt: "" }, padPng(png(8, 8), padding));
}

/** The 408 message of a body stalled past a 1 s `body-idle-timeout`. */
const STALLED = "request body stalled: no bytes for 1 s (body-idle-timeout)";

describe("body-idle-timeout at the orchestrator", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-idle-body-"));
  let runner: http.Server;
  let orch: Orchestrator & { url: string };
  let port: number;
  /** Job requests the fake runner has received, and those still open. */
  const jobs = { received: 0, open: 0 };
  const output = Buffer.from(png(4, 4));

  beforeAll(async () => {
    ({ server: runner } = await fakeRunner((req, res) => {
      jobs.received++;
      jobs.open++;
      res.once("close", () => jobs.open--);
      req.resume();
      req.on("end", () =>
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            images: [{ url: `data:image/png;base64,${output.toString("base64")}`, seed: 1, nsfw: false }],
          }),
        ),
      );
    }));
    const address = runner.address() as AddressInfo;
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, url: `http://127.0.0.1:${address.port}`, token: "t", capacity: 1 },
      ],
      modelsDir: models.dir,
      uploadsDir: uploads,
      maxUploadBytes: 32 * 1024 * 1024,
      connectionLimits: { bodyIdleTimeoutMs: 1000, receiveTimeoutMs: 60_000 },
    });
    port = Number(new URL(orch.url).port);
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    runner?.close();
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  it("answers 408 to an upload stalled after 6 MB within about the idle limit, leaving no spool file or runner call", async () => {
    const body = form(12 * 1024 * 1024);
    const stalled = rawUpload(port, "/upscale", body, [body.subarray(0, 6 * 1024 * 1024)]);
    await eventually(() => readdirSync(uploads).length > 0, 10_000, "a spool file for the upload");
    const answer = await stalled;
    expect(answer).toMatchObject({ status: 408, json: { detail: { msg: STALLED } } });
    expect(answer.ms).toBeGreaterThanOrEqual(950);
    expect(answer.ms).toBeLessThan(15_000);
    await eventually(() => readdirSync(uploads).length === 0, 10_000, "the spool file removed");
    expect(jobs).toEqual({ received: 0, open: 0 });
    const info = (await (await fetch(`${orch.url}/info`)).json()) as { capabilities: Array<{ in_use: number }> };
    expect(info.capabilities.map((c) => c.in_use)).toEqual([0]);
  }, 60_000);

  it("runs a slow but steady upload (a piece every 300 ms under a 1 s idle limit), and one after the stall", async () => {
    const body = form(0);
    const received = jobs.received;
    expect((await rawUpload(port, "/upscale", body, inPieces(body, 8), 300)).status).toBe(200);
    expect(jobs.received).toBe(received + 1);
  }, 60_000);
});
