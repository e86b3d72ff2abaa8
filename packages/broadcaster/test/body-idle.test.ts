/**
 * @module The idle-body timeout (`body-idle-timeout`) at the gateway: an upload that stops mid-way, past the memory
 * part of the spool, gets the 408 after the idle limit rather than the receive timeout, and leaves nothing behind — no
 * spool file, no job at the (FAKE) orchestrator; a slow but steady upload still runs.
 */
import { existsSync, readdirSync } from "node:fs";
import { padPng } from "@ai-video-subnet/server-kit";
import { eventually, inPieces, multipartBytes, png, rawUpload } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroadcaster, type TestBroadcaster } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

/** An upscale form whose image is a PNG padded to about `padding` bytes. */
const form = (padding: number) => multipartBytes({ model_id: "m", prompt: "" }, padPng(png(8, 8), padding));

/** The 408 message of a body stalled past a 1 s `body-idle-timeout`. */
const STALLED = "request body stalled: no bytes for 1 s (body-idle-timeout)";

describe("body-idle-timeout at the gateway", () => {
  let fake: FakeOrchestrator;
  let t: TestBroadcaster;
  let port: number;
  const spooled = () => {
    const dir = t.b.options.uploadDir;
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  beforeAll(async () => {
    fake = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    t = await startBroadcaster({
      orchestrators: [fake.url],
      connectionLimits: { bodyIdleTimeoutMs: 1000, receiveTimeoutMs: 60_000 },
    });
    port = Number(new URL(t.url).port);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("answers 408 to an upload stalled after 6 MB within about the idle limit, leaving no spool file or job", async () => {
    const body = form(12 * 1024 * 1024);
    const stalled = rawUpload(port, "/upscale", body, [body.subarray(0, 6 * 1024 * 1024)]);
    await eventually(() => spooled().length > 0, 10_000, "a spool file for the upload");
    const answer = await stalled;
    expect(answer).toMatchObject({ status: 408, json: { detail: { msg: STALLED } } });
    expect(answer.ms).toBeGreaterThanOrEqual(950);
    expect(answer.ms).toBeLessThan(15_000);
    await eventually(() => spooled().length === 0, 10_000, "the spool file removed");
    expect(fake.jobs).toEqual([]);
    expect(fake.inFlight).toBe(0);
  }, 60_000);

  it("runs a slow but steady upload (a piece every 300 ms under a 1 s idle limit), and one after the stall", async () => {
    const body = form(0);
    expect((await rawUpload(port, "/upscale", body, inPieces(body, 8), 300)).status).toBe(200);
    expect(fake.jobs).toHaveLength(1);
  }, 60_000);
});
