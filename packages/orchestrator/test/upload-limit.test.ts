/**
 * @module The body limit a caller sees: `max-upload-bytes`, whole. The orchestrator forwards a body with the fields
 * its validator filled with defaults put in front, so the runner gets more bytes than the caller sent; the runners it
 * starts accept its limit plus room for that (`MAX_UPLOAD_BYTES`). A real `avs-runner` (the tiny upscaler, whose own
 * default limit is 50 MiB) behind an orchestrator with the same 50 MiB limit: a body of exactly the limit is served,
 * one byte more is the orchestrator's 413.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng, padPng } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { modelsDir, startOrchestrator, TINY } from "./helpers.js";

const LIMIT = 50 * 1024 * 1024;
const BOUNDARY = "limit-boundary";

/** An upscale body of exactly `size` bytes: model_id, prompt and a PNG padded to fill the rest. */
function bodyOf(size: number): Buffer {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${TINY}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="in.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const image = encodePng(8, 8, new Uint8Array(8 * 8 * 3));
  // padPng adds a chunk of 12 bytes of framing around its padding.
  const padded = padPng(image, size - head.length - tail.length - image.length - 12);
  const body = Buffer.concat([head, padded, tail]);
  expect(body.length).toBe(size);
  return body;
}

describe("the body limit a caller sees", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-limit-"));
  let orch: Orchestrator & { url: string };

  beforeAll(async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      uploadsDir: uploads,
      maxUploadBytes: LIMIT,
    });
  }, 120_000);

  afterAll(async () => {
    await orch?.stop();
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  const post = async (body: Buffer) => {
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(body),
    });
    return { status: res.status, json: await res.json() };
  };

  it("serves a body of exactly max-upload-bytes, though the runner gets the defaulted fields on top", async () => {
    const res = await post(bodyOf(LIMIT));
    expect(res.json).toMatchObject({ images: [{ nsfw: false }] });
    expect(res.status).toBe(200);
  }, 120_000);

  it("refuses one byte more itself, with the limit in the message", async () => {
    expect(await post(bodyOf(LIMIT + 1))).toEqual({
      status: 413,
      json: { detail: { msg: `request body is larger than the limit of ${LIMIT} bytes` } },
    });
  }, 120_000);
});
