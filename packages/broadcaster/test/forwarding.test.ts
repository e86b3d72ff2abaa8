/**
 * @module Multipart jobs forwarded as the client sent them: the orchestrator gets the very bytes and Content-Type
 * of the upload (from memory, or from the spool file of a large one), a retry on another orchestrator resends the
 * same bytes, a body with a part the spec does not declare is re-encoded without it, and no spool file outlives
 * its request. Real broadcasters and FAKE orchestrators (real HTTP servers on 127.0.0.1).
 */
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";
import { flattenObjectSchema } from "@ai-video-subnet/server-kit";
import { afterEach, describe, expect, it } from "vitest";
import { orchestratorDocument } from "../../orchestrator/src/generated/orchestrator-document.js";
import { gatewayDocument } from "../src/generated/gateway-document.js";
import { PIPELINES } from "../src/generated/gateway-pipelines.js";
import { UPLOAD_MEMORY_BYTES as RAW_IN_MEMORY } from "../src/server/app.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { type FakeOrchestrator, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const BOUNDARY = "avs-test-boundary-7f3a";
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A multipart body built by hand, so that its exact bytes are known. */
function multipart(parts: Array<[name: string, value: string | Buffer]>): Buffer {
  const out: Buffer[] = [];
  for (const [name, value] of parts) {
    const file = typeof value !== "string";
    out.push(
      Buffer.from(
        `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"${file ? '; filename="in.png"\r\ncontent-type: image/png' : ""}\r\n\r\n`,
      ),
      typeof value === "string" ? Buffer.from(value) : value,
      Buffer.from("\r\n"),
    );
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

/** A PNG followed by `padding` bytes of a private chunk-like tail (a file of that size the fake takes as it is). */
const image = (padding: number) => Buffer.concat([PNG_1X1, Buffer.alloc(padding).map((_, i) => (i * 131 + 7) & 0xff)]);

/** An upscale job's body: model, empty prompt, and an image of `padding` extra bytes. */
const upscaleBody = (padding: number) =>
  multipart([
    ["model_id", "m"],
    ["prompt", ""],
    ["image", image(padding)],
  ]);

const leftovers = (d: string) => (existsSync(d) ? readdirSync(d) : []);

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

/** Fake orchestrators (the first warm; any others cold, so the first is always tried first) and a broadcaster. */
async function setup(n = 1) {
  const fakes = await Promise.all(
    Array.from({ length: n }, (_, i) => startFakeOrchestrator([{ pipeline: "upscale", model_id: "m", warm: i === 0 }])),
  );
  open.push(...fakes);
  const t = await startBroadcaster({
    orchestrators: fakes.map((f) => f.url),
    orchestratorSecret: "s",
    maxUploadBytes: 64 * 1024 * 1024,
  });
  open.unshift(t);
  return { t, fakes };
}

const post = (url: string, body: Buffer) =>
  fetch(`${url}/upscale`, { method: "POST", headers: { "content-type": TYPE }, body: new Uint8Array(body) });

const received = (f: FakeOrchestrator, i = 0) => f.bodies[i]!;

describe("forwarding a multipart job", () => {
  it("sends the orchestrator the client's bytes and Content-Type unchanged", async () => {
    const { t, fakes } = await setup();
    const body = multipart([
      ["model_id", "m"],
      ["prompt", "a fox"],
      ["image", image(10_000)],
    ]);
    const res = await post(t.url, body);
    expect(res.status).toBe(200);
    expect(received(fakes[0]!).contentType).toBe(TYPE);
    expect(received(fakes[0]!).bytes.equals(body)).toBe(true);
  });

  it("sends a chunked upload (no Content-Length) byte-identical", async () => {
    const { t, fakes } = await setup();
    const body = upscaleBody(300_000);
    const pieces = [body.subarray(0, 1000), body.subarray(1000, 200_000), body.subarray(200_000)];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of pieces) controller.enqueue(new Uint8Array(p));
        controller.close();
      },
    });
    const res = await fetch(`${t.url}/upscale`, {
      method: "POST",
      headers: { "content-type": TYPE },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(received(fakes[0]!).bytes.equals(body)).toBe(true);
  });

  it("sends a 20 MB upload byte-identical, from its spool file, and removes the file", async () => {
    const { t, fakes } = await setup();
    const body = upscaleBody(20 * 1024 * 1024);
    expect(body.length).toBeGreaterThan(RAW_IN_MEMORY);
    const res = await post(t.url, body);
    expect(res.status).toBe(200);
    expect(received(fakes[0]!).bytes.equals(body)).toBe(true);
    expect(fakes[0]!.jobs[0]!.fields.image).toEqual({ file: 20 * 1024 * 1024 + PNG_1X1.length });
    expect(leftovers(t.b.options.uploadDir)).toEqual([]);
  }, 30_000);

  for (const [what, padding] of [
    ["held in memory", 50_000],
    ["spooled to a file", RAW_IN_MEMORY + 1000],
  ] as const) {
    it(`resends the identical body to another orchestrator after one dies mid-job (body ${what})`, async () => {
      const { t, fakes } = await setup(2);
      const [dying, healthy] = fakes as [FakeOrchestrator, FakeOrchestrator];
      dying.behaviour = { kind: "drop" };
      const body = upscaleBody(padding);
      const res = await post(t.url, body);
      expect(res.status).toBe(200);
      expect(dying.bodies).toHaveLength(1);
      expect(healthy.bodies).toHaveLength(1);
      expect(received(dying).bytes.equals(body)).toBe(true);
      expect(received(healthy).bytes.equals(body)).toBe(true);
      expect(leftovers(t.b.options.uploadDir)).toEqual([]);
    }, 30_000);
  }

  it("re-encodes a body with a part the spec does not declare, without that part", async () => {
    const { t, fakes } = await setup();
    const body = multipart([
      ["model_id", "m"],
      ["prompt", ""],
      ["image", PNG_1X1],
      ["not_in_the_spec", "x".repeat(1000)],
    ]);
    const res = await post(t.url, body);
    expect(res.status).toBe(200);
    expect(received(fakes[0]!).contentType).not.toBe(TYPE);
    expect(fakes[0]!.jobs[0]!.fields).toEqual({
      model_id: "m",
      prompt: "",
      image: { file: PNG_1X1.length },
      safety_check: "true",
      num_inference_steps: "75",
    });
  });

  it("leaves no spool file behind when the client hangs up mid-upload past the in-memory size", async () => {
    const { t } = await setup();
    const port = Number(new URL(t.url).port);
    const head = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`;
    await new Promise<void>((resolve) => {
      const s = net.connect({ port, host: "127.0.0.1" }, () => {
        s.write(
          `POST /upscale HTTP/1.1\r\nHost: x\r\ncontent-type: ${TYPE}\r\ncontent-length: ${3 * RAW_IN_MEMORY}\r\n\r\n`,
        );
        s.write(head);
        s.write(Buffer.alloc(RAW_IN_MEMORY + 512 * 1024, 1));
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 300);
      });
    });
    await expect.poll(() => leftovers(t.b.options.uploadDir), { timeout: 3000 }).toEqual([]);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});

describe("outputs inline (X-Media-Delivery: data)", () => {
  it("asks every attempt for them; answered as data: URLs, they are stored with no second round trip", async () => {
    const { t, fakes } = await setup(2);
    fakes[0]!.behaviour = { kind: "status", status: 500, msg: "down" };
    fakes[1]!.behaviour = { kind: "ok", honoursDelivery: true };
    const res = await post(t.url, upscaleBody(100));
    expect(res.status).toBe(200);
    expect([...fakes[0]!.jobs, ...fakes[1]!.jobs].map((j) => j.delivery)).toEqual(["data", "data"]);
    expect(fakes[1]!.outputGets).toBe(0);
    const { images } = (await res.json()) as { images: Array<{ url: string; seed: number; nsfw: boolean }> };
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ seed: 42, nsfw: false });
    const out = await fetch(images[0]!.url);
    expect(out.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
  });

  it("does not ask for them on a job that sends a video (its output is streamed from a URL instead)", async () => {
    const fake = await startFakeOrchestrator([{ pipeline: "video-upscale", model_id: "v" }]);
    open.push(fake);
    fake.behaviour = { kind: "ok", honoursDelivery: true };
    const t = await startBroadcaster({ orchestrators: [fake.url], orchestratorSecret: "s" });
    open.unshift(t);
    const form = new FormData();
    form.append("model_id", "v");
    form.append("video", new Blob([Buffer.alloc(2000, 1)], { type: "video/mp4" }), "in.mp4");
    const res = await fetch(`${t.url}/video-upscale`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(fake.jobs[0]!.delivery).toBeUndefined();
    expect(fake.outputGets).toBe(1);
  }, 20_000);

  it("still fetches URLs from an orchestrator that ignores the header", async () => {
    const { t, fakes } = await setup();
    const res = await post(t.url, upscaleBody(100));
    expect(res.status).toBe(200);
    expect(fakes[0]!.jobs[0]!.delivery).toBe("data");
    expect(fakes[0]!.outputGets).toBe(1);
    const { images } = (await res.json()) as { images: Array<{ url: string }> };
    expect(Buffer.from(await (await fetch(images[0]!.url)).arrayBuffer()).equals(PNG_1X1)).toBe(true);
  });

  it.each([
    ["not JSON", "{images:"],
    ["no images array", '{"frames":[]}'],
    ["a url that is not a string", '{"images":[{"url":7,"seed":1,"nsfw":false}]}'],
  ])("takes an answer with %s as a failed attempt and retries elsewhere", async (_, body) => {
    const { t, fakes } = await setup(2);
    fakes[0]!.behaviour = { kind: "answer", body };
    fakes[1]!.behaviour = { kind: "ok", honoursDelivery: true };
    const res = await post(t.url, upscaleBody(10));
    expect(res.status).toBe(200);
    expect([fakes[0]!.jobs.length, fakes[1]!.jobs.length]).toEqual([1, 1]);
    fakes[1]!.behaviour = { kind: "answer", body };
    const failed = await post(t.url, upscaleBody(10));
    // Refused answers only (the other orchestrator is held back for its own): 502, not the 503 of a shortage.
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { detail: { msg: string } }).detail.msg).toMatch(
      /attempt \d+ failed \((malformed answer|output not stored)\)/,
    );
  });

  it("is decoded, stored once and served like a fetched one (an orchestrator with media-delivery data)", async () => {
    const { t, fakes } = await setup();
    fakes[0]!.behaviour = { kind: "ok", inline: true };
    const res = await post(t.url, upscaleBody(100));
    expect(res.status).toBe(200);
    const { images } = (await res.json()) as { images: Array<{ url: string; seed: number }> };
    expect(images[0]!.url).toMatch(new RegExp(`^${t.url}/outputs/[A-Za-z0-9_-]{32}_[a-z0-9]{8,24}_[a-z0-9]+\\.png$`));
    const out = await fetch(images[0]!.url);
    expect(out.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
  });
});

describe("the orchestrator's spec", () => {
  it("takes the gateway's request fields on every multipart route, and requires model_id (what makes forwarding exact)", () => {
    const multipartPaths = Object.values(PIPELINES)
      .filter((p) => p.body === "multipart")
      .map((p) => p.path);
    expect(multipartPaths.length).toBeGreaterThan(0);
    // The fields (types, defaults, bounds) and what is required, not the examples or descriptions.
    const bodyOf = (doc: typeof gatewayDocument, path: string) =>
      flattenObjectSchema(doc.paths[path]?.post?.requestBody?.content?.["multipart/form-data"]?.schema ?? {});
    for (const path of multipartPaths) {
      const [orchestrator, gateway] = [bodyOf(orchestratorDocument, path), bodyOf(gatewayDocument, path)];
      expect(orchestrator.properties, path).toEqual(gateway.properties);
      // The gateway names the model it chose when the client named none: the orchestrator requires one.
      expect(gateway.required, path).not.toContain("model_id");
      expect([...(orchestrator.required ?? [])].sort(), path).toEqual([...(gateway.required ?? []), "model_id"].sort());
    }
  });
});
