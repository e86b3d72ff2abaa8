/**
 * @module A runner's media are checked whole, not only in their first bytes: base64 broken further in (a stray
 * character, a base64url one, `=` before the end, cut short) and a PNG or mp4 cut short are refused with the 502 of
 * every other unusable answer — with `url` delivery (decoded into the store, which keeps nothing of it) and with
 * `data` delivery (passed on inline) — logged as the runner's fault, with the runner's slot released. Each runner is a
 * hand-written fake on 127.0.0.1 answering what the test sets.
 */
import type http from "node:http";
import { form, testVideo } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { fakeRunner, modelsDir, png, recordingLogger, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const VIDEO_MODEL = "tiny/esrgan-x4-video";
/** A PNG whose base64 runs over several of the decoder's 64 KiB steps. */
const PNG = Buffer.from(png(400, 300));
const B64 = PNG.toString("base64");
const answer = (url: string) => JSON.stringify({ images: [{ url, seed: 1, nsfw: false }] });
const pngUrl = (b64: string) => `data:image/png;base64,${b64}`;
const at = (text: string, i: number, put: string) => text.slice(0, i) + put + text.slice(i + put.length);
const who = (pipeline: string, model: string) =>
  `the runner of ${pipeline} model ${JSON.stringify(model)} answered something that cannot be used`;
const NOT_BASE64 =
  "images[0] is not valid base64: it holds a character outside A–Z, a–z, 0–9, + and /, or = before its end " +
  "(only standard base64 is allowed, with = as padding at the end only)";

describe("a runner's media broken past their first bytes", () => {
  const models = modelsDir();
  const log = recordingLogger();
  const runners: http.Server[] = [];
  let orch: Orchestrator & { url: string };
  let mp4: Buffer;
  /** What the fake runners answer next. */
  let next = answer(pngUrl(B64));

  beforeAll(async () => {
    mp4 = Buffer.from(await testVideo({ width: 64, height: 48, frames: 6 }));
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { server, url } = await fakeRunner((req, res) => {
        req.resume();
        req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(next));
      });
      runners.push(server);
      urls.push(url);
    }
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, url: urls[0]!, token: "ext", capacity: 1 },
        { pipeline: "video-upscale", model_id: VIDEO_MODEL, url: urls[1]!, token: "ext", capacity: 1 },
      ],
      modelsDir: models.dir,
      log,
    });
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    for (const r of runners) r.close();
    models.cleanup();
  });

  async function job(pipeline: string, body: string, delivery: string) {
    next = body;
    const video = () => form({ model_id: VIDEO_MODEL, video: new Blob([new Uint8Array(mp4)]) });
    const res = await fetch(`${orch.url}/${pipeline}`, {
      method: "POST",
      body: pipeline === "upscale" ? upscaleForm(TINY) : video(),
      headers: { "x-media-delivery": delivery },
    });
    const json = (await res.json()) as { detail?: { msg: string }; images?: Array<{ url: string }> };
    return { status: res.status, msg: json.detail?.msg, url: json.images?.[0]?.url };
  }

  /** The bytes a 200 answer's media hold, fetched or inline. */
  async function bytesOf(url: string) {
    if (url.startsWith("data:")) return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
    return Buffer.from(await (await fetch(url)).arrayBuffer());
  }

  const cases: Array<[string, string, string, string]> = [
    ["a stray character deep in the base64", "upscale", answer(pngUrl(at(B64, 200_001, "!"))), NOT_BASE64],
    ["a base64url character deep in the base64", "upscale", answer(pngUrl(at(B64, 200_001, "-"))), NOT_BASE64],
    ["padding before the end", "upscale", answer(pngUrl(at(B64, 100_000, "AA=="))), NOT_BASE64],
    [
      "base64 cut short",
      "upscale",
      answer(pngUrl(B64.slice(0, -5))),
      `images[0] is not valid base64: its length (${B64.length - 5} characters) is not a multiple of 4, as padded base64's is (it is cut short or its padding is wrong)`,
    ],
    [
      "a PNG cut short",
      "upscale",
      answer(pngUrl(PNG.subarray(0, PNG.length - 3000).toString("base64"))),
      "images[0] is a truncated PNG: it does not end with the IEND chunk every whole PNG ends with",
    ],
  ];

  for (const [what, pipeline, body, why] of cases) {
    it(`answers 502 for ${what}, with url and data delivery, storing nothing`, async () => {
      log.lines.length = 0;
      const held = orch.store.memoryUsed;
      const model = pipeline === "upscale" ? TINY : VIDEO_MODEL;
      const refused = { status: 502, msg: `${who(pipeline, model)}: ${why}`, url: undefined };
      expect([await job(pipeline, body, "url"), await job(pipeline, body, "data")]).toEqual([refused, refused]);
      expect(orch.store.memoryUsed).toBe(held);
      const done = log.lines.filter((l) => l.msg === "job done").map((l) => [l.status, l.error]);
      expect(done).toEqual(Array(2).fill([502, refused.msg]));
      expect(log.lines.filter((l) => l.msg === "unhandled error")).toEqual([]);
    });
  }

  it("answers 502 for an mp4 cut short, with url and data delivery, storing nothing", async () => {
    const body = answer(`data:video/mp4;base64,${mp4.subarray(0, mp4.length - 600).toString("base64")}`);
    const held = orch.store.memoryUsed;
    const msg = `${who("video-upscale", VIDEO_MODEL)}: images[0] is a truncated mp4: its top-level boxes do not add up to its ${mp4.length - 600} bytes (a whole mp4's boxes end exactly at its end)`;
    const refused = { status: 502, msg, url: undefined };
    expect([await job("video-upscale", body, "url"), await job("video-upscale", body, "data")]).toEqual([
      refused,
      refused,
    ]);
    expect(orch.store.memoryUsed).toBe(held);
  });

  it("counts what a stored output keeps alive: its base64 text's room in the runner's answer, decoded in place", async () => {
    const held = orch.store.memoryUsed;
    const image = await job("upscale", answer(pngUrl(B64)), "url");
    expect(orch.store.memoryUsed - held).toBe(B64.length);
    expect((await bytesOf(image.url!)).equals(PNG)).toBe(true);
  });

  it("passes whole media on byte for byte, after a refusal (the slot was released)", async () => {
    for (const delivery of ["url", "data"]) {
      const image = await job("upscale", answer(pngUrl(B64)), delivery);
      expect(image.status).toBe(200);
      expect((await bytesOf(image.url!)).equals(PNG)).toBe(true);
      const video = await job("video-upscale", answer(`data:video/mp4;base64,${mp4.toString("base64")}`), delivery);
      expect(video.status).toBe(200);
      expect((await bytesOf(video.url!)).equals(mp4)).toBe(true);
    }
  });
});
