/**
 * The client over real sockets against a scripted server (test/scripted-server.ts): request encoding, retries,
 * Retry-After, timeouts and aborts. test/broadcaster.test.ts runs the same calls against the real broadcaster.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it, vi } from "vitest";
import { collectGarbage } from "../test/collect-garbage.js";
import { after, hangUp, json, OK, PNG, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import {
  AbortError,
  ApiError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
} from "./errors.js";

const serve = scriptedServers();

describe("requests", () => {
  it("sends text-to-image as snake_case JSON with the API key and request id, and returns the typed result", async () => {
    const server = await serve(json(200, OK, { "x-request-id": "r1" }));
    const client = createClient({ baseUrl: `${server.url}/`, apiKey: "sk-1" });
    const result = await client.textToImage(
      { modelId: "stabilityai/sd-turbo", prompt: "a cat", numInferenceSteps: 1, loras: { "a/b": 1 } },
      { requestId: "r1" },
    );
    expect(result).toEqual(OK);
    const [req] = server.received;
    expect([req?.method, req?.url]).toEqual(["POST", "/text-to-image"]);
    expect(req?.headers.authorization).toBe("Bearer sk-1");
    expect(req?.headers["x-request-id"]).toBe("r1");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req!.body.toString())).toEqual({
      model_id: "stabilityai/sd-turbo",
      prompt: "a cat",
      num_inference_steps: 1,
      loras: '{"a/b":1}',
    });
  });

  it("sends image-to-image as multipart/form-data with the image bytes intact", async () => {
    const server = await serve(json(200, OK));
    const client = createClient({ baseUrl: server.url });
    await client.imageToImage({ modelId: "m", prompt: "p", image: new Blob([PNG]), strength: 0.5 });
    const req = server.received[0]!;
    const parsed = await new Request("http://x", {
      method: "POST",
      headers: { "content-type": req.headers["content-type"]! },
      body: new Uint8Array(req.body),
    }).formData();
    expect([parsed.get("model_id"), parsed.get("prompt"), parsed.get("strength")]).toEqual(["m", "p", "0.5"]);
    expect(new Uint8Array(await (parsed.get("image") as File).arrayBuffer())).toEqual(PNG);
  });

  it("downloads bytes, sending the API key to the gateway's origin only", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.end(PNG);
    });
    const client = createClient({ baseUrl: server.url, apiKey: "sk-1" });
    expect(await client.download({ url: `${server.url}/outputs/a.png`, seed: 1, nsfw: false })).toEqual(PNG);
    expect(await client.download("/outputs/b.png")).toEqual(PNG);
    const elsewhere = server.url.replace("127.0.0.1", "localhost");
    expect(await client.download(`${elsewhere}/outputs/c.png`)).toEqual(PNG);
    expect(server.received.map((r) => [r.url, r.headers.authorization])).toEqual([
      ["/outputs/a.png", "Bearer sk-1"],
      ["/outputs/b.png", "Bearer sk-1"],
      ["/outputs/c.png", undefined],
    ]);
    const b64 = Buffer.from(PNG).toString("base64");
    expect(await client.download(`data:image/png;base64,${b64}`)).toEqual(PNG);
  });

  it("throws NotFoundError for a missing output, naming the URL", async () => {
    const server = await serve(json(404, { detail: { msg: "output expired" } }));
    const client = createClient({ baseUrl: server.url });
    const err = await client.download("/outputs/gone.png").catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe(`[GET] ${server.url}/outputs/gone.png: 404 Not Found — output expired`);
  });

  it("exposes the typed openapi-fetch client with the same auth", async () => {
    const server = await serve(json(200, { status: "OK" }));
    const client = createClient({ baseUrl: server.url, apiKey: "sk-2" });
    const { data } = await client.raw.GET("/health");
    expect(data?.status).toBe("OK");
    expect(server.received[0]?.headers.authorization).toBe("Bearer sk-2");
  });
});

describe("settings", () => {
  it("rejects a missing or relative baseUrl and nonsense timeouts and retries, saying what is allowed", async () => {
    expect(() => createClient({ baseUrl: "/api" })).toThrow(
      'createClient: baseUrl must be an absolute URL such as http://127.0.0.1:8937, got "/api"',
    );
    expect(() => createClient({} as never)).toThrow(/baseUrl must be an absolute URL/);
    expect(() => createClient({ baseUrl: "http://x", timeoutMs: Number.NaN })).toThrow(
      "createClient: timeoutMs must be a positive number of milliseconds, got NaN",
    );
    // A string is quoted: "100" is not the number 100 the message would otherwise seem to refuse.
    expect(() => createClient({ baseUrl: "http://x", timeoutMs: "100" as never })).toThrow(
      'createClient: timeoutMs must be a positive number of milliseconds, got "100"',
    );
    expect(() => createClient({ baseUrl: "http://x", retries: "2" as never })).toThrow(
      'createClient: retries must be a whole number ≥ 0, got "2"',
    );
    const client = createClient({ baseUrl: "http://127.0.0.1:9" });
    await expect(client.textToImage({ modelId: "m", prompt: "p" }, { retries: 1.5 })).rejects.toThrow(
      "/text-to-image: retries must be a whole number ≥ 0, got 1.5",
    );
  });
});

describe("retries", () => {
  const busy = json(503, { detail: { msg: "no orchestrators available" } }, { "retry-after": "0" });

  it("retries a seeded generation on 503 and succeeds", async () => {
    const server = await serve(busy, json(502, "bad gateway"), json(200, OK));
    const client = createClient({ baseUrl: server.url });
    expect(await client.textToImage({ modelId: "m", prompt: "p", seed: 7 })).toEqual(OK);
    expect(server.received).toHaveLength(3);
  });

  it("does not repeat an unseeded generation unless the call passes retries", async () => {
    const server = await serve(busy);
    const client = createClient({ baseUrl: server.url });
    const err = await client.textToImage({ modelId: "m", prompt: "p" }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.message).toBe("[POST] /text-to-image: 503 Service Unavailable — no orchestrators available");
    expect(server.received).toHaveLength(1);
    const again = await client.textToImage({ modelId: "m", prompt: "p" }, { retries: 1 }).catch((e) => e);
    expect(again.message).toMatch(/ \(2 attempts\)$/);
    expect(server.received).toHaveLength(3);
  });

  it("retries an unseeded generation that carries an Idempotency-Key", async () => {
    const server = await serve(busy, json(200, OK));
    const client = createClient({ baseUrl: server.url });
    await client.textToImage({ modelId: "m", prompt: "p" }, { headers: { "Idempotency-Key": "job-7" } });
    expect(server.received.map((r) => r.headers["idempotency-key"])).toEqual(["job-7", "job-7"]);
  });

  it("resends multipart bodies whole on every attempt", async () => {
    const server = await serve(busy, json(200, OK));
    const client = createClient({ baseUrl: server.url });
    await client.upscale({ modelId: "m", prompt: "", image: PNG, seed: 1 });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.body.equals(server.received[0]!.body)).toBe(true);
    expect(server.received[1]!.body.includes(Buffer.from(PNG))).toBe(true);
  });

  it("waits for Retry-After", async () => {
    const server = await serve(json(429, { detail: { msg: "rate limit" } }, { "retry-after": "1" }), json(200, OK));
    const client = createClient({ baseUrl: server.url });
    const started = Date.now();
    await client.textToImage({ modelId: "m", prompt: "p", seed: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("gives up at once when Retry-After outlasts the timeout", async () => {
    const server = await serve(json(429, { detail: { msg: "rate limit" } }, { "retry-after": "30" }));
    const client = createClient({ baseUrl: server.url, timeoutMs: 5000 });
    const started = Date.now();
    const err = await client.textToImage({ modelId: "m", prompt: "p", seed: 1 }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(30_000);
  });

  it("does not retry a 4xx other than 429", async () => {
    const server = await serve(json(400, { detail: { msg: "height must be a multiple of 8" } }));
    const client = createClient({ baseUrl: server.url });
    const err = await client.textToImage({ modelId: "m", prompt: "p", seed: 1, height: 500 }).catch((e) => e);
    expect(err.message).toBe("[POST] /text-to-image: 400 Bad Request — height must be a multiple of 8");
    expect(server.received).toHaveLength(1);
  });

  it("retries a dropped connection, and reports ConnectionError when the server stays unreachable", async () => {
    const server = await serve(hangUp, json(200, OK));
    const client = createClient({ baseUrl: server.url });
    expect(await client.textToImage({ modelId: "m", prompt: "p", seed: 1 })).toEqual(OK);
    expect(server.received).toHaveLength(2);
    await server.close();
    const err = await client.textToImage({ modelId: "m", prompt: "p", seed: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(
      /^\[POST\] \/text-to-image: connection failed — fetch failed \(ECONNREFUSED\) \(3 attempts\)$/,
    );
  });
});

describe("timeouts and aborts", () => {
  it("throws TimeoutError when the answer takes longer than timeoutMs", async () => {
    const server = await serve(after(10_000, json(200, OK)));
    const client = createClient({ baseUrl: server.url, timeoutMs: 300 });
    const started = Date.now();
    const err = await client.textToImage({ modelId: "m", prompt: "p" }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("[POST] /text-to-image: timed out after 300 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("keeps the deadline while the body is read", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "image/png", "content-length": "1000" });
      res.write(PNG);
    });
    const client = createClient({ baseUrl: server.url });
    const err = await client.download("/outputs/slow.png", { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it("fails with TimeoutError when the thread was busy past the deadline while a complete answer waited", async () => {
    const server = await serve(json(200, OK));
    const timeoutMs = 300;
    let started = 0;
    const client = createClient({
      baseUrl: server.url,
      timeoutMs,
      // The whole answer is in memory well before the deadline; then synchronous work on this thread (a large
      // JSON.parse, an image decode) holds the deadline's timer back until the deadline has passed.
      fetch: async (request) => {
        const response = await fetch(request);
        const body = await response.arrayBuffer();
        blockThread(started + timeoutMs + 20 - Date.now());
        return new Response(body, response);
      },
    });
    started = Date.now();
    const err = await client.textToImage({ modelId: "m", prompt: "p" }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("[POST] /text-to-image: timed out after 300 ms");
  });

  it("stops the request at the deadline even after a garbage collection", async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      res.on("close", () => {
        closed = true;
      });
      setTimeout(() => res.end(JSON.stringify(OK)), 5000).unref();
    });
    const client = createClient({ baseUrl: server.url, timeoutMs: 300 });
    const started = Date.now();
    const call = client.textToImage({ modelId: "m", prompt: "p" }).catch((e) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
    const err = await call;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    // The request itself was aborted, so the gateway learns that nobody waits for the job any more.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 1000 });
  });

  it("fails at the deadline even with a fetch that ignores the request's signal", async () => {
    const server = await serve(after(10_000, json(200, OK)));
    const client = createClient({
      baseUrl: server.url,
      timeoutMs: 300,
      fetch: async (request) =>
        fetch(request.url, { method: request.method, headers: request.headers, body: await request.text() }),
    });
    const started = Date.now();
    const err = await client.textToImage({ modelId: "m", prompt: "p" }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("[POST] /text-to-image: timed out after 300 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("counts reading a stream upload into the call's deadline", async () => {
    const server = await serve((req, res) => {
      req.resume();
      req.on("end", () => setTimeout(() => res.end(JSON.stringify(OK)), 250).unref());
    });
    const client = createClient({ baseUrl: server.url, timeoutMs: 400 });
    const started = Date.now();
    // 250 ms to read the upload and 250 ms for the answer: each fits in 400 ms, the call does not.
    const image = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        controller.enqueue(PNG);
        controller.close();
      },
    });
    const err = await client.imageToImage({ modelId: "m", prompt: "p", image, strength: 0.5 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("[POST] /image-to-image: timed out after 400 ms");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("times out, or aborts, while an upload stream never ends, without sending a request", async () => {
    let requests = 0;
    const server = await serve((_req, res) => {
      requests += 1;
      res.end(JSON.stringify(OK));
    });
    const client = createClient({ baseUrl: server.url, timeoutMs: 300 });
    const endless = () => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const timedOut = await client
      .imageToImage({ modelId: "m", prompt: "p", image: endless(), strength: 0.5 })
      .catch((e) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut.message).toBe("[POST] /image-to-image: timed out after 300 ms");
    expect(timedOut.attempts).toBe(0);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("user left")), 50);
    const aborted = await client
      .imageToImage({ modelId: "m", prompt: "p", image: endless(), strength: 0.5 }, { signal: ac.signal })
      .catch((e) => e);
    expect(aborted).toBeInstanceOf(AbortError);
    expect((aborted.cause as Error).message).toBe("user left");
    expect(requests).toBe(0);
  });

  it("keeps a Node process alive until the deadline fires when nothing else would", async () => {
    // A child process whose only pending work is the call: a fetch that never settles and ignores the signal.
    const dir = await mkdtemp(join(tmpdir(), "avs-sdk-alive-"));
    try {
      await build({
        entryPoints: [fileURLToPath(new URL("./index.ts", import.meta.url))],
        bundle: true,
        format: "esm",
        platform: "node",
        outfile: join(dir, "sdk.mjs"),
        logLevel: "silent",
      });
      const script = `import { createClient } from "./sdk.mjs";
        const client = createClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 300, fetch: () => new Promise(() => {}) });
        const err = await client.textToImage({ prompt: "p" }).catch((e) => e);
        console.log(err.name, err.message);`;
      await writeFile(join(dir, "call.mjs"), script);
      const child = spawnSync(process.execPath, ["call.mjs"], { cwd: dir, encoding: "utf8", timeout: 10_000 });
      expect([child.status, child.stdout.trim()]).toEqual([
        0,
        "TimeoutError [POST] /text-to-image: timed out after 300 ms",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("throws AbortError with the signal's reason when the caller aborts", async () => {
    const server = await serve(after(10_000, json(200, OK)));
    const client = createClient({ baseUrl: server.url });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("user left")), 100);
    const err = await client.textToImage({ modelId: "m", prompt: "p" }, { signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.name).toBe("AbortError");
    expect((err.cause as Error).message).toBe("user left");
    expect(err).not.toBeInstanceOf(ApiError);
  });

  it("aborts a wait between retries", async () => {
    const server = await serve(json(503, { detail: { msg: "busy" } }, { "retry-after": "20" }));
    const client = createClient({ baseUrl: server.url });
    const started = Date.now();
    const err = await client
      .textToImage({ modelId: "m", prompt: "p", seed: 1 }, { signal: AbortSignal.timeout(200) })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

/** Keeps this thread busy for `ms`, as synchronous work does: no timer can run meanwhile. */
function blockThread(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy on purpose
  }
}
