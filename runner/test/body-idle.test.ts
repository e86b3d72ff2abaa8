/**
 * @module The idle-body timeout (`BODY_IDLE_TIMEOUT`, the `body-idle-timeout` of every binary) at a real runner: an
 * upload that stops mid-way gets the 408 after the idle limit rather than the whole request's 120 s, its connection
 * is closed, and no job is left queued; a slow but steady upload still runs.
 */
import { padPng } from "@ai-video-subnet/server-kit";
import { inPieces, multipartBytes, rawUpload } from "@ai-video-subnet/test-kit";
import { describe, expect, it } from "vitest";
import { servedRunner, testImage } from "./helpers.js";

/** The 408 message of a body stalled past a 1 s `body-idle-timeout`. */
const STALLED = "request body stalled: no bytes for 1 s (body-idle-timeout)";

describe("BODY_IDLE_TIMEOUT", () => {
  const { server } = servedRunner(["tiny/esrgan-x4"], { bodyIdleTimeout: 1 });
  const form = async (padding: number) => multipartBytes({ prompt: "" }, padPng(await testImage(8, 8), padding));

  it("answers 408 to an upload stalled after 6 MB within about the idle limit, and queues nothing", async () => {
    const body = await form(12 * 1024 * 1024);
    const answer = await rawUpload(server().port, "/upscale", body, [body.subarray(0, 6 * 1024 * 1024)]);
    expect(answer).toMatchObject({ status: 408, json: { detail: { msg: STALLED } } });
    expect(answer.ms).toBeGreaterThanOrEqual(950);
    expect(answer.ms).toBeLessThan(15_000);
    expect(server().runner.queue.depth).toBe(0);
  }, 60_000);

  it("runs a slow but steady upload (a piece every 300 ms under a 1 s idle limit), after the stall", async () => {
    const body = await form(0);
    const answer = await rawUpload(server().port, "/upscale", body, inPieces(body, 8), 300);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"images":[{"url":"data:image/png;base64,');
  }, 60_000);
});
