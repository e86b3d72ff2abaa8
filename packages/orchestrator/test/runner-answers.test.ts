/**
 * @module A runner's answer is checked before anything of it reaches the client. An external runner is any server
 * speaking the runner API — here a hand-written fake on 127.0.0.1 that answers what each test sets — and what it
 * answers that cannot be used is a 502 naming what was wrong, logged as the runner's fault (no stack), with its slot
 * released: a foreign URL, an empty list, bytes that are not the promised PNG, an answer that is not JSON, a status
 * the runner API does not declare, an answer over `max-answer-bytes`.
 */
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { fakeRunner, modelsDir, png, recordingLogger, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const PNG_URL = `data:image/png;base64,${Buffer.from(png(4, 4)).toString("base64")}`;
const media = (url: string) => JSON.stringify({ images: [{ url, seed: 1, nsfw: false }] });
const WHO = `the runner of upscale model ${JSON.stringify(TINY)} answered something that cannot be used`;

describe("a runner's answer that cannot be used", () => {
  const models = modelsDir();
  const log = recordingLogger();
  let runner: http.Server;
  let orch: Orchestrator & { url: string };
  /** What the fake runner answers next: a status and a body. */
  let next: { status: number; body: string | Buffer } = { status: 200, body: media(PNG_URL) };

  beforeAll(async () => {
    let url: string;
    ({ server: runner, url } = await fakeRunner((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(next.status, { "content-type": "application/json" });
        res.end(next.body);
      });
    }));
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 1 }],
      modelsDir: models.dir,
      maxAnswerBytes: 1024 * 1024,
      log,
    });
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    runner?.close();
    models.cleanup();
  });

  async function job(answer: typeof next, delivery = "url") {
    next = answer;
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      body: upscaleForm(TINY),
      headers: { "x-media-delivery": delivery },
    });
    return `${res.status} ${((await res.json()) as { detail?: { msg: string } }).detail?.msg ?? "ok"}`;
  }

  const cases: Array<[string, typeof next, string]> = [
    [
      "a URL of the runner's choosing",
      { status: 200, body: media("http://169.254.169.254/latest/meta-data") },
      "images[0].url is not a base64 data: URL (a runner's media must be inline)",
    ],
    ["an empty list", { status: 200, body: '{"images":[]}' }, "it has 0 images; the request asks for 1"],
    [
      "bytes that are not a PNG",
      { status: 200, body: media("data:image/png;base64,aGVsbG8=") },
      "images[0] is not image/png: its bytes do not start as a PNG's do",
    ],
    [
      "base64 that is not base64",
      { status: 200, body: media("data:image/png;base64,@@@@!!!!") },
      "images[0] is not image/png: its bytes do not start as a PNG's do",
    ],
    [
      "another media type",
      { status: 200, body: media("data:video/mp4;base64,AAAAGGZ0eXBtcDQy") },
      "images[0] is video/mp4; this pipeline's media are image/png",
    ],
    ["an answer that is not JSON", { status: 200, body: "this is not json <html>" }, "it is not JSON"],
    [
      "a status the runner API does not declare",
      { status: 418, body: '{"detail":{"msg":"teapot"}}' },
      "status 418, which the runner API does not declare (teapot)",
    ],
    [
      "an answer over max-answer-bytes",
      { status: 200, body: media(`data:image/png;base64,${"A".repeat(2 * 1024 * 1024)}`) },
      "the answer is larger than the limit of 1048576 bytes",
    ],
  ];

  for (const [what, answer, why] of cases) {
    it(`answers 502 for ${what}, with url and data delivery, and logs why`, async () => {
      log.lines.length = 0;
      expect([await job(answer, "url"), await job(answer, "data")]).toEqual(Array(2).fill(`502 ${WHO}: ${why}`));
      const done = log.lines.filter((l) => l.msg === "job done").map((l) => [l.status, l.error]);
      expect(done).toEqual(Array(2).fill([502, `${WHO}: ${why}`]));
      expect(log.lines.filter((l) => l.msg === "unhandled error")).toEqual([]);
      // The slot was released: a good answer is served by the runner's one slot.
      expect(await job({ status: 200, body: media(PNG_URL) })).toBe("200 ok");
    });
  }

  it("keeps the statuses the spec declares: a runner's 400 and 413 as they are, its 500 as a 500", async () => {
    const said = (status: number) => ({ status, body: `{"detail":{"msg":"said ${status}"}}` });
    expect([await job(said(400)), await job(said(413)), await job(said(500))]).toEqual([
      "400 said 400",
      "413 said 413",
      "500 said 500",
    ]);
  });
});
