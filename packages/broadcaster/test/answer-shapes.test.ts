/**
 * @module An orchestrator's 200 checked against what the request asked for, against FAKE orchestrators (real HTTP
 * servers on 127.0.0.1): exactly as many outputs as asked, an integer `seed` and a boolean `nsfw` on each, and the
 * media type the pipeline makes (a PNG for an image pipeline, an mp4 for a video one). A wrong answer is the
 * orchestrator's fault: the job goes to another orchestrator, and this pipeline and model are held back on the first.
 * The first orchestrator is warm and the second cold, so the first is tried first.
 */
import { describe, expect, it } from "vitest";
import { answerFault } from "../src/jobs/outputs.js";
import { closedAfterEach, startBroadcaster, T2I_JOB, T2I_MODEL, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, MP4_TINY, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = T2I_MODEL;
const JOB = T2I_JOB;
const PNG = `data:image/png;base64,${PNG_1X1.toString("base64")}`;
const MP4 = `data:video/mp4;base64,${MP4_TINY.toString("base64")}`;

const open = closedAfterEach();

async function setup(pipeline = "text-to-image") {
  const a = await startFakeOrchestrator([{ pipeline, model_id: MODEL, warm: true }]);
  const b = await startFakeOrchestrator([{ pipeline, model_id: MODEL, warm: false }]);
  open.push(a, b);
  const t = await startBroadcaster({ orchestrators: [a.url, b.url] });
  open.unshift(t);
  return { a, b, t };
}

const answer = (images: unknown[]) => ({ kind: "answer" as const, body: JSON.stringify({ images }) });

/** The reason of the one "attempt failed" line about `o`, and what it held back. */
function failureOf(t: Awaited<ReturnType<typeof setup>>["t"], o: FakeOrchestrator) {
  const lines = t.logs.filter((l) => l.msg === "attempt failed; orchestrator held back" && l.orchestrator === o.url);
  expect(lines).toHaveLength(1);
  return { reason: lines[0]!.reason, held: lines[0]!.held };
}

describe("an orchestrator's answer, checked against the request", () => {
  it.each([
    ["no outputs", [], JOB, "too few outputs: 0 for a request of 1"],
    [
      "1 output for a request of 4",
      [{ url: PNG, seed: 1, nsfw: false }],
      { ...JOB, num_images_per_prompt: 4 },
      "too few outputs: 1 for a request of 4",
    ],
    [
      "a seed that is an object",
      [{ url: PNG, seed: { evil: "x".repeat(1000) }, nsfw: false }],
      JOB,
      "malformed answer: output 0's seed is an object, not an integer",
    ],
    ["no seed", [{ url: PNG, nsfw: false }], JOB, "malformed answer: output 0's seed is missing, not an integer"],
    [
      "nsfw as text",
      [{ url: PNG, seed: 3, nsfw: "maybe" }],
      JOB,
      "malformed answer: output 0's nsfw is a string, not a boolean",
    ],
    [
      "an mp4 for an image pipeline",
      [{ url: MP4, seed: 3, nsfw: false }],
      JOB,
      "output refused: a data: URL is video/mp4, but the pipeline makes image/png",
    ],
  ])("retries elsewhere on an answer with %s, holding the first back", async (_, images, body, why) => {
    const { a, b, t } = await setup();
    a.behaviour = answer(images);
    const res = await textToImage(t.url, body);
    expect(res.status, await res.clone().text()).toBe(200);
    const out = (await res.json()) as { images: Array<{ seed: unknown; nsfw: unknown }> };
    const n = (body as { num_images_per_prompt?: number }).num_images_per_prompt ?? 1;
    expect(out.images).toHaveLength(n);
    for (const m of out.images) expect([m.seed, m.nsfw]).toEqual([42, false]);
    expect([a.jobs.length, b.jobs.length]).toEqual([1, 1]);
    expect(failureOf(t, a)).toEqual({ reason: why, held: `text-to-image/${MODEL}` });
  });

  it("refuses a PNG for a video pipeline, and the client gets an error rather than a wrong 200 when none is right", async () => {
    const { a, b, t } = await setup("video-upscale");
    a.behaviour = answer([{ url: PNG, seed: 3, nsfw: false }]);
    b.behaviour = { kind: "ok", inline: true };
    const send = () => {
      const form = new FormData();
      form.append("model_id", MODEL);
      form.append("video", new Blob([Buffer.alloc(2000, 1)], { type: "video/mp4" }), "in.mp4");
      return fetch(`${t.url}/video-upscale`, { method: "POST", body: form });
    };
    const res = await send();
    expect(res.status, await res.clone().text()).toBe(200);
    const { images } = (await res.json()) as { images: Array<{ url: string }> };
    expect(images[0]!.url).toMatch(/\.mp4$/);
    expect(failureOf(t, a)).toEqual({
      reason: "output refused: a data: URL is image/png, but the pipeline makes video/mp4",
      held: `video-upscale/${MODEL}`,
    });
    b.behaviour = a.behaviour;
    const bad = await send();
    expect(bad.status).toBe(502);
    expect(bad.headers.get("retry-after")).not.toBeNull();
    expect((await bad.json()).detail.msg).toMatch(
      new RegExp(
        `^no orchestrator gave a valid answer for video-upscale/${MODEL}: attempt 1 failed \\(output refused\\)`,
      ),
    );
  }, 20_000);

  it("refuses a JSON answer typed text/html, and takes one typed application/json with parameters", async () => {
    const { a, b, t } = await setup();
    const images = [{ url: PNG, seed: 3, nsfw: false }];
    a.behaviour = { ...answer(images), type: "text/html; charset=utf-8" };
    b.behaviour = { ...answer(images), type: "application/json; charset=utf-8" };
    const res = await textToImage(t.url, JOB);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { images: Array<{ seed: number }> }).images[0]!.seed).toBe(3);
    expect(failureOf(t, a)).toEqual({
      reason: "malformed answer: typed text/html; charset=utf-8, not JSON",
      held: `text-to-image/${MODEL}`,
    });
  });

  it("checks the count by the request's batch size, and one output for pipelines without one", () => {
    const ok = { url: "u", seed: 1, nsfw: true };
    expect(answerFault([ok, ok], { pipeline: "image-to-image", body: { num_images_per_prompt: 2 } })).toBeUndefined();
    expect(answerFault([ok, ok], { pipeline: "upscale", body: {} })).toBe("too many outputs: 2 for a request of 1");
    expect(answerFault([{ ...ok, seed: 1.5 }], { pipeline: "upscale", body: {} })).toBe(
      "malformed answer: output 0's seed is a number, not an integer",
    );
  });
});
