/**
 * @module Jobs that name no model (`model_id` absent or empty), as Livepeer's clients send them: the pipeline's default
 * model (Livepeer's, or the operator's `default-model`) is what selection, the orchestrator, the log, the async job
 * and its idempotency key see; a pipeline without a default answers the 422 of a missing `model_id`. Real
 * broadcasters and FAKE orchestrators (real HTTP servers on 127.0.0.1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { LIVEPEER_DEFAULT_MODELS } from "../src/jobs/default-models.js";
import { UPLOAD_MEMORY_BYTES } from "../src/server/app.js";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeCapability, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const SDXL_TURBO = "stabilityai/sdxl-turbo";

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

/** A fake orchestrator offering `capabilities` and a broadcaster in front of it. */
async function setup(capabilities: FakeCapability[], options: Parameters<typeof startBroadcaster>[0] = {}) {
  const fake = await startFakeOrchestrator(capabilities);
  open.push(fake);
  const t = await startBroadcaster({ orchestrators: [fake.url], orchestratorSecret: "s", ...options });
  open.unshift(t);
  return { t, fake };
}

const BOUNDARY = "avs-default-model-boundary";

/** A multipart body built by hand (its exact bytes known), file parts as PNGs. */
function multipart(parts: Array<[name: string, value: string | Buffer]>): Buffer {
  const out: Buffer[] = [];
  for (const [name, value] of parts) {
    const file = typeof value !== "string" ? '; filename="in.png"\r\ncontent-type: image/png' : "";
    out.push(Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"${file}\r\n\r\n`));
    out.push(typeof value === "string" ? Buffer.from(value) : value, Buffer.from("\r\n"));
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

/**
 * A video-upscale job without model_id (2000 bytes the fake takes as a video) to a broadcaster with `defaultModels`,
 * in front of a fake offering `tiny/esrgan-x4`.
 */
async function videoJobWithout(defaultModels: Record<string, string>) {
  const { t, fake } = await setup([{ pipeline: "video-upscale", model_id: "tiny/esrgan-x4" }], { defaultModels });
  const form = new FormData();
  form.append("video", new Blob([Buffer.alloc(2000, 1)], { type: "video/mp4" }), "in.mp4");
  const res = await fetch(`${t.url}/video-upscale`, { method: "POST", body: form });
  return { t, fake, res };
}

/** The part the gateway puts in front of a body that named no model. */
const head = (modelId: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${modelId}\r\n`;

const postMultipart = (url: string, path: string, body: Buffer) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: new Uint8Array(body),
  });

describe("a job without model_id", () => {
  it("runs Livepeer's default for the pipeline, absent or empty, and is logged with it", async () => {
    const { t, fake } = await setup([{ pipeline: "text-to-image", model_id: SDXL_TURBO }]);
    for (const body of [{ prompt: "a fox" }, { prompt: "a fox", model_id: "" }]) {
      const res = await textToImage(t.url, body, { "x-request-id": `default-${fake.jobs.length}` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { images: unknown[] }).images).toHaveLength(1);
    }
    expect(fake.jobs.map((j) => j.fields.model_id)).toEqual([SDXL_TURBO, SDXL_TURBO]);
    const done = t.logs.filter((l) => l.msg === "job done");
    expect(done.map((l) => [l.request_id, l.model_id, l.model_defaulted])).toEqual([
      ["default-0", SDXL_TURBO, true],
      ["default-1", SDXL_TURBO, true],
    ]);
  });

  it("has Livepeer's four defaults, and none for our own pipelines", () => {
    expect(LIVEPEER_DEFAULT_MODELS).toEqual({
      "text-to-image": "stabilityai/sdxl-turbo",
      "image-to-image": "stabilityai/sdxl-turbo",
      "image-to-video": "stabilityai/stable-video-diffusion-img2vid-xt",
      upscale: "stabilityai/stable-diffusion-x4-upscaler",
    });
  });

  it("runs the operator's default-model over Livepeer's; a named model still wins", async () => {
    const { t, fake } = await setup(
      [
        { pipeline: "text-to-image", model_id: "tiny/sd-turbo" },
        { pipeline: "text-to-image", model_id: "other/model" },
      ],
      { defaultModels: { "text-to-image": "tiny/sd-turbo" } },
    );
    expect((await textToImage(t.url, { prompt: "p" })).status).toBe(200);
    expect((await textToImage(t.url, { prompt: "p", model_id: "other/model" })).status).toBe(200);
    expect(fake.jobs.map((j) => j.fields.model_id)).toEqual(["tiny/sd-turbo", "other/model"]);
  });

  it("says the model is the gateway's default when no orchestrator offers it", async () => {
    const { t, fake } = await setup([{ pipeline: "text-to-image", model_id: "tiny/sd-turbo" }]);
    const res = await textToImage(t.url, { prompt: "p" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      detail: {
        msg: `model_id "${SDXL_TURBO}" (this gateway's default for text-to-image: the request named no model) is not offered for text-to-image by any orchestrator; offered: tiny/sd-turbo`,
      },
    });
    expect(fake.jobs).toEqual([]);
  });

  it("is a 422 that says how to set a default on a pipeline without one (ours, or one the operator removed)", async () => {
    const { t, fake, res } = await videoJobWithout({ "text-to-image": "" });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        {
          loc: ["body", "model_id"],
          msg: "model_id is required: this gateway has no default model for video-upscale (its operator can set one with --default-model video-upscale=<model_id>)",
          type: "missing",
        },
      ],
    });
    const text = await textToImage(t.url, { prompt: "p", model_id: "" });
    expect(text.status).toBe(422);
    expect(((await text.json()) as { detail: Array<{ msg: string }> }).detail[0]!.msg).toContain(
      "--default-model text-to-image=<model_id>",
    );
    expect(fake.jobs).toEqual([]);
  });

  it("runs the operator's default on our own pipelines when one is set", async () => {
    const { fake, res } = await videoJobWithout({ "video-upscale": "tiny/esrgan-x4" });
    expect(res.status).toBe(200);
    expect(fake.jobs[0]!.fields).toMatchObject({ model_id: "tiny/esrgan-x4", video: { file: 2000 } });
  });
});

describe("forwarding a multipart job without model_id", () => {
  const capabilities = [{ pipeline: "upscale", model_id: LIVEPEER_DEFAULT_MODELS.upscale! }];

  it("sends the client's bytes with a model_id part in front", async () => {
    const { t, fake } = await setup(capabilities);
    const body = multipart([
      ["prompt", ""],
      ["image", PNG_1X1],
    ]);
    expect((await postMultipart(t.url, "/upscale", body)).status).toBe(200);
    expect(fake.bodies[0]!.contentType).toBe(`multipart/form-data; boundary=${BOUNDARY}`);
    expect(
      fake.bodies[0]!.bytes.equals(Buffer.concat([Buffer.from(head(LIVEPEER_DEFAULT_MODELS.upscale!)), body])),
    ).toBe(true);
    expect(fake.jobs[0]!.fields).toEqual({
      model_id: LIVEPEER_DEFAULT_MODELS.upscale,
      prompt: "",
      image: { file: PNG_1X1.length },
    });
  });

  it("sends them again, part in front, from the spool file of a large upload to the next orchestrator", async () => {
    const fakes = await Promise.all(
      [true, false].map((warm) => startFakeOrchestrator([{ ...capabilities[0]!, warm }])),
    );
    open.push(...fakes);
    const t = await startBroadcaster({ orchestrators: fakes.map((f) => f.url), orchestratorSecret: "s" });
    open.unshift(t);
    fakes[0]!.behaviour = { kind: "drop" };
    const image = Buffer.concat([PNG_1X1, Buffer.alloc(UPLOAD_MEMORY_BYTES, 7)]);
    const body = multipart([
      ["prompt", ""],
      ["image", image],
    ]);
    expect((await postMultipart(t.url, "/upscale", body)).status).toBe(200);
    const expected = Buffer.concat([Buffer.from(head(LIVEPEER_DEFAULT_MODELS.upscale!)), body]);
    expect(fakes.map((f) => f.bodies.length)).toEqual([1, 1]);
    expect(fakes.map((f) => f.bodies[0]!.bytes.equals(expected))).toEqual([true, true]);
  }, 30_000);

  it("re-encodes a body whose model_id part is empty, with the default in it once", async () => {
    const { t, fake } = await setup(capabilities);
    const body = multipart([
      ["model_id", ""],
      ["prompt", ""],
      ["image", PNG_1X1],
    ]);
    expect((await postMultipart(t.url, "/upscale", body)).status).toBe(200);
    const sent = fake.bodies[0]!;
    expect(sent.contentType).not.toContain(BOUNDARY);
    expect(sent.bytes.toString("latin1").match(/name="model_id"/g)).toHaveLength(1);
    expect(fake.jobs[0]!.fields).toMatchObject({ model_id: LIVEPEER_DEFAULT_MODELS.upscale, prompt: "" });
  });
});

describe("an asynchronous job without model_id", () => {
  const submit = (url: string, body: Record<string, unknown>, key: string) =>
    submitAsync(url, body, { "idempotency-key": key });

  it("is created, run and shown with the default, and its idempotency key takes the default as the same request", async () => {
    const { t, fake } = await setup([
      { pipeline: "text-to-image", model_id: SDXL_TURBO },
      { pipeline: "text-to-image", model_id: "other/model" },
    ]);
    const first = await submit(t.url, { prompt: "p", seed: 1 }, "k1");
    expect(first.status).toBe(202);
    const job = (await first.json()) as ApiJob;
    expect(job.model_id).toBe(SDXL_TURBO);
    expect((await waitForJob(t.url, job.id)).status).toBe("succeeded");
    expect(fake.jobs.map((j) => j.fields.model_id)).toEqual([SDXL_TURBO]);
    for (const body of [
      { prompt: "p", seed: 1, model_id: "" },
      { prompt: "p", seed: 1, model_id: SDXL_TURBO },
    ]) {
      const again = await submit(t.url, body, "k1");
      expect(again.status).toBe(202);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(((await again.json()) as ApiJob).id).toBe(job.id);
    }
    const other = await submit(t.url, { prompt: "p", seed: 1, model_id: "other/model" }, "k1");
    expect(other.status).toBe(422);
    expect(fake.jobs).toHaveLength(1);
  });

  it("is refused at once, making no job, on a pipeline without a default", async () => {
    const { t } = await setup([{ pipeline: "text-to-image", model_id: "m" }], {
      defaultModels: { "text-to-image": "" },
    });
    const res = await submit(t.url, { prompt: "p" }, "k2");
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: Array<{ loc: string[] }> }).detail[0]!.loc).toEqual(["body", "model_id"]);
  });
});
