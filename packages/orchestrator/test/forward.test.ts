/**
 * @module The job body forwarded as it came: a real `avs-runner` behind a recording pipe (it passes every byte on
 * and keeps a copy), reached as an external runner. The runner gets the caller's multipart bytes untouched — a
 * 20 MB upload included — with only the fields the orchestrator's validator filled with defaults put in front;
 * a body with an undeclared field is encoded anew without it; bad bodies get the validator's answers; no upload
 * spool file outlives its job, nor a client that hangs up mid-upload.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng, padPng } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { modelsDir, pngSize, startExternalRunner, startOrchestrator, TINY } from "./helpers.js";

/** A 16×16 PNG carrying `padding` bytes in a private ancillary chunk (decoders skip it). */
function paddedPng(padding: number): Buffer {
  return padPng(
    encodePng(
      16,
      16,
      new Uint8Array(16 * 16 * 3).map((_, i) => (i * 13) & 255),
    ),
    padding,
  );
}

const BOUNDARY = "caller-boundary-7f3a";
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function multipart(fields: Record<string, string>, image?: Buffer | string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (typeof image === "string") {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"\r\n\r\n${image}\r\n`));
  } else if (image) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="in.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      image,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

describe("forwarding job bodies as they came", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-forward-"));
  let runner: ChildProcess;
  let pipe: http.Server;
  let orch: Orchestrator & { url: string };
  /** What the runner was sent, per request. */
  const received: Array<{ contentType: string; body: Buffer }> = [];

  beforeAll(async () => {
    const started = await startExternalRunner(models.dir, "ext");
    runner = started.child;
    const runnerPort = started.port;
    pipe = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      const up = http.request(
        { host: "127.0.0.1", port: runnerPort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (req.method === "POST") {
          received.push({ contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
        }
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => pipe.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(pipe.address() as AddressInfo).port}`;
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 4 }],
      modelsDir: models.dir,
      uploadsDir: uploads,
      maxUploadBytes: 32 * 1024 * 1024,
    });
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    pipe?.close();
    runner?.kill("SIGKILL");
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  async function post(body: Buffer, contentType = CONTENT_TYPE) {
    received.length = 0;
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: new Uint8Array(body),
    });
    return { status: res.status, json: await res.json() };
  }

  /** The runner's copy split into the parts put in front and the rest. */
  function split(sent: Buffer) {
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.contentType).toBe(CONTENT_TYPE);
    const front = got.body.subarray(0, got.body.length - sent.length);
    return { front: front.toString("utf8"), rest: got.body.subarray(front.length) };
  }

  it("sends a small upload's bytes untouched, with the defaulted fields in front", async () => {
    const sent = multipart({ model_id: TINY, prompt: "", seed: "5" }, paddedPng(0));
    const res = await post(sent);
    expect(res.status).toBe(200);
    const { front, rest } = split(sent);
    expect(rest.equals(sent)).toBe(true);
    // Only fields the caller did not send, each as a part of the caller's boundary.
    expect(front).not.toMatch(/name="(model_id|prompt|seed|image)"/);
    expect(front === "" || front.startsWith(`--${BOUNDARY}\r\n`)).toBe(true);
    const stored = new Uint8Array(await (await fetch(res.json.images[0].url)).arrayBuffer());
    expect(pngSize(stored)).toEqual({ width: 64, height: 64 });
    expect(res.json.images[0].seed).toBe(5);
  }, 30_000);

  it("streams a 20 MB upload through a spool file, byte-identical at the runner, and removes the file", async () => {
    const image = paddedPng(20 * 1024 * 1024);
    const sent = multipart({ model_id: TINY, prompt: "" }, image);
    const res = await post(sent);
    expect(res.status).toBe(200);
    expect(split(sent).rest.equals(sent)).toBe(true);
    expect(readdirSync(uploads)).toEqual([]);
  }, 60_000);

  it("encodes anew, without it, a body with a field the spec does not declare", async () => {
    const sent = multipart({ model_id: TINY, prompt: "", not_in_spec: "x" }, paddedPng(0));
    const res = await post(sent);
    expect(res.status).toBe(200);
    const got = received[0]!;
    expect(got.contentType).not.toBe(CONTENT_TYPE);
    expect(got.body.toString("latin1")).not.toContain("not_in_spec");
    expect(got.body.includes(paddedPng(0))).toBe(true);
  }, 30_000);

  it("answers a text field where the image belongs and a malformed body as before, without calling the runner", async () => {
    const text = await post(multipart({ model_id: TINY, prompt: "" }, "not a file"));
    expect(text).toEqual({
      status: 422,
      json: {
        detail: [{ loc: ["body", "image"], msg: "image must be a file upload, got a text field", type: "file_type" }],
      },
    });
    const missing = await post(multipart({ model_id: TINY, prompt: "" }));
    expect(missing.status).toBe(422);
    expect(missing.json.detail[0]).toMatchObject({ loc: ["body", "image"], type: "missing" });
    const cut = await post(Buffer.from(`--${BOUNDARY}\r\ngarbage`));
    expect(cut.status).toBe(400);
    expect(cut.json.detail.msg).toMatch(/^malformed multipart\/form-data body/);
    expect(received).toHaveLength(0);
  }, 30_000);

  it("leaves no spool file when the client hangs up mid-upload, and serves the next job", async () => {
    const sent = multipart({ model_id: TINY, prompt: "" }, paddedPng(12 * 1024 * 1024));
    let spooling = 0;
    await new Promise<void>((resolve) => {
      const req = http.request(`${orch.url}/upscale`, {
        method: "POST",
        headers: { "content-type": CONTENT_TYPE, "content-length": String(sent.length) },
      });
      req.on("error", () => resolve());
      req.write(sent.subarray(0, 8 * 1024 * 1024), async () => {
        const until = Date.now() + 10_000;
        while (readdirSync(uploads).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        spooling = readdirSync(uploads).length;
        req.destroy();
        resolve();
      });
    });
    expect(spooling).toBeGreaterThan(0);
    const until = Date.now() + 10_000;
    while (readdirSync(uploads).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(uploads)).toEqual([]);
    const next = await post(multipart({ model_id: TINY, prompt: "" }, paddedPng(0)));
    expect(next.status).toBe(200);
  }, 60_000);
});
