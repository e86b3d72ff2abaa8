/**
 * @module `job-timeout` holds a whole job, not each runner call: a plain job whose runner does not answer in time and
 * an image-to-video → FILM chain whose two calls each stay within the timeout but together run past it both get a
 * 500 that says the job timed out and was stopped, and their runner calls are cut (the runner stops the job). The
 * runners are one runner-like server standing for three external entries.
 */
import type http from "node:http";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { form } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, fakeRunner, png, startOrchestrator, TINY } from "./helpers.js";

const SVD = "tiny/svd";
const FILM = "tiny/film";
/** How long the runner-like server takes for one SVD or FILM call: under the timeout, but not twice. */
const STAGE_MS = 1200;

describe("job-timeout", () => {
  const done: LogFields[] = [];
  const log: Logger = {
    info: (msg, fields) => msg === "job done" && fields && done.push(fields),
    warn: (msg, fields) => msg === "job done" && fields && done.push({ ...fields, level: "warn" }),
    error() {},
  };
  /** Job calls the runner-like server got, and those whose caller went away before the answer, by path. */
  const calls: string[] = [];
  const cut: string[] = [];
  let runner: http.Server;
  let orch: Awaited<ReturnType<typeof startOrchestrator>>;

  beforeAll(async () => {
    const frame = { url: `data:image/png;base64,${Buffer.from(png(8, 8)).toString("base64")}`, seed: 3, nsfw: false };
    const mp4 = {
      url: `data:video/mp4;base64,${Buffer.from("\0\0\0\x14ftypisom not really an mp4").toString("base64")}`,
      seed: 3,
    };
    let url: string;
    ({ server: runner, url } = await fakeRunner((req, res) => {
      const path = req.url ?? "";
      calls.push(path);
      req.resume();
      res.on("close", () => {
        if (!res.writableEnded) cut.push(path);
      });
      // The upscaler never answers; SVD and FILM answer after STAGE_MS.
      if (path === "/upscale") return;
      const answer =
        path === "/image-to-video" ? { frames: [[frame, frame, frame]] } : { images: [{ ...mp4, nsfw: false }] };
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      }, STAGE_MS);
    }));
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, url, token: "ext" },
        { pipeline: "image-to-video", model_id: SVD, url, token: "ext" },
        { pipeline: "frame-interpolation", model_id: FILM, url, token: "ext" },
      ],
      jobTimeout: 2,
      log,
    });
  }, 60_000);
  afterAll(async () => {
    runner?.closeAllConnections();
    await orch?.stop();
    runner?.close();
  });

  const post = (path: string, fields: Record<string, string | number | Uint8Array>, requestId: string) =>
    fetch(`${orch.url}${path}`, { method: "POST", headers: { "x-request-id": requestId }, body: form(fields) });
  const MESSAGE =
    "the job did not finish within job-timeout (2 s); it was stopped (its runner call cut, so the runner stops the job)";

  it("answers 500 once a plain job has run for job-timeout, and cuts its runner call", async () => {
    const started = performance.now();
    const res = await post("/upscale", { model_id: TINY, prompt: "", image: png(8, 8) }, "plain-timeout");
    expect(res.status).toBe(500);
    expect((await res.json()).detail.msg).toBe(MESSAGE);
    expect(performance.now() - started).toBeLessThan(5000);
    await eventually(() => cut.includes("/upscale"), 5000, "the runner call cut");
    expect(done.find((f) => f.request_id === "plain-timeout")).toMatchObject({ status: 500, level: "warn" });
  }, 30_000);

  it("holds a chain's two stages together to job-timeout, though each call alone is within it", async () => {
    const fields = { model_id: SVD, image: png(8, 8), width: 8, height: 8, fps: 7, output_fps: 14 };
    const res = await post("/image-to-video", fields, "chain-timeout");
    expect(res.status).toBe(500);
    expect((await res.json()).detail.msg).toBe(MESSAGE);
    // SVD answered; FILM, when the hand-over left it time to be called (a loaded machine may mux past the timeout),
    // was cut.
    expect(calls.filter((p) => p === "/image-to-video")).toHaveLength(1);
    const film = calls.filter((p) => p === "/frame-interpolation").length;
    await eventually(() => cut.filter((p) => p === "/frame-interpolation").length === film, 5000, "the FILM call cut");
    expect(cut).not.toContain("/image-to-video");
    expect(done.find((f) => f.request_id === "chain-timeout")).toMatchObject({ status: 500, level: "warn" });
    // Both slots are free again.
    const { capabilities } = await (await fetch(`${orch.url}/info`)).json();
    expect((capabilities as { in_use: number }[]).map((c) => c.in_use)).toEqual([0, 0, 0]);
  }, 30_000);
});
