/** @module The gateway's own routes and checks through `app.request()`: spec, docs, health, metrics, validation, keys, limits. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createBroadcaster } from "../src/index.js";

/** Files left in an upload directory (none when it was never needed). */
const leftovers = (d: string) => (existsSync(d) ? readdirSync(d) : []);

const dir = mkdtempSync(join(tmpdir(), "avs-gw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function app(options: Parameters<typeof createBroadcaster>[0] = {}) {
  return createBroadcaster({
    logLevel: "silent",
    outputs: { kind: "local", dir },
    uploadDir: join(dir, "up"),
    ...options,
  }).app;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe("gateway routes", () => {
  const a = app();

  it("serves the gateway spec with the shared components inlined", async () => {
    const res = await a.request("/openapi.yaml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/yaml/);
    const doc = parse(await res.text());
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/text-to-image", "/image-to-image", "/image-to-video", "/upscale"]),
    );
    expect(JSON.stringify(doc)).not.toContain("$ref");
    expect(doc.paths["/upscale"].post.requestBody.content["multipart/form-data"].schema.properties.image.format).toBe(
      "binary",
    );
  });

  it("serves the same document as JSON at /openapi.json", async () => {
    const [yaml, json] = await Promise.all([a.request("/openapi.yaml"), a.request("/openapi.json")]);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.json()).toEqual(parse(await yaml.text()));
  });

  it("renders the reference page from the spec, every operation and field in it", async () => {
    const res = await a.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>AI Video Subnet gateway API — reference</title>");
    for (const id of ["genTextToImage", "genImageToImage", "genImageToVideo", "genUpscale", "getOutput"]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain("<code>num_inference_steps</code>");
    expect(html).not.toMatch(/<script|https?:\/\/cdn/);
  });

  it("answers /health and creates or accepts X-Request-Id", async () => {
    const res = await a.request("/health");
    expect(await res.json()).toEqual({ status: "OK" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const given = await a.request("/health", { headers: { "x-request-id": "trace-abc_123" } });
    expect(given.headers.get("x-request-id")).toBe("trace-abc_123");
  });

  it("validates jobs against the spec: 422 with the field and what is allowed", async () => {
    const res = await a.request("/text-to-image", json({ model_id: "m" }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "prompt"], msg: "prompt is required", type: "missing" }],
    });
    const wrongType = await a.request("/upscale", json({ model_id: "m", prompt: "" }));
    expect(wrongType.status).toBe(415);
  });

  it("answers 503 with the Livepeer message when no orchestrator can run the job", async () => {
    const res = await a.request("/text-to-image", json({ model_id: "m", prompt: "a" }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({
      detail: { msg: "no orchestrators available for text-to-image/m: no orchestrators are configured" },
    });
  });

  it("counts requests in Prometheus metrics", async () => {
    await a.request("/health");
    const text = await (await a.request("/metrics")).text();
    expect(text).toMatch(/avs_broadcaster_http_requests_total\{route="\/health",method="GET",status="200"\} [1-9]/);
    expect(text).toContain('avs_broadcaster_selections_total{pipeline="text-to-image",outcome="none"} 1');
  });

  it("404s an output name that was never stored, and one that is not a valid name", async () => {
    const missing = await a.request("/outputs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.png");
    expect(missing.status).toBe(404);
    expect((await missing.json()).detail.msg).toMatch(/^no output AAAA/);
    expect((await a.request("/outputs/..%2Fetc%2Fpasswd")).status).toBe(422);
  });
});

describe("multipart uploads", () => {
  it("rejects a malformed multipart body with 400 and leaves no spooled file", async () => {
    const a = app();
    const res = await a.request("/upscale", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=B" },
      body: '--B\r\ncontent-disposition: form-data; name="image"; filename="x.png"\r\n\r\nabc',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).detail.msg).toMatch(/^malformed multipart\/form-data body: /);
    expect(leftovers(join(dir, "up"))).toEqual([]);
  });
});

describe("API keys, rate limits and body limits", () => {
  /** A gateway reading its keys from `keysFile`, and its log lines (JSON text). */
  const keysFileGateway = (keysFile: string) => {
    const lines: string[] = [];
    const b = createBroadcaster({
      outputs: { kind: "local", dir },
      uploadDir: join(dir, "up"),
      apiKeysFile: keysFile,
      logSink: (line) => lines.push(line),
    });
    return { a: b.app, lines };
  };

  it("requires a configured key (from options or the keys file) on job routes only", async () => {
    const keysFile = join(dir, "keys.txt");
    writeFileSync(keysFile, "# team keys\nfile-key\n");
    const a = app({ apiKeys: ["opt-key"], apiKeysFile: keysFile });
    const none = await a.request("/text-to-image", json({ model_id: "m", prompt: "a" }));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: { msg: "an API key is required: send Authorization: Bearer <key>" } });
    const bad = await a.request(
      "/text-to-image",
      json({ model_id: "m", prompt: "a" }, { authorization: "Bearer nope" }),
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ detail: { msg: "invalid API key" } });
    for (const key of ["opt-key", "file-key"]) {
      const ok = await a.request(
        "/text-to-image",
        json({ model_id: "m", prompt: "a" }, { authorization: `Bearer ${key}` }),
      );
      expect(ok.status).toBe(503);
    }
    expect((await a.request("/health")).status).toBe(200);
  });

  it("warns at start when the keys file does not exist, and refuses every job until it does", async () => {
    const keysFile = join(dir, "keys-later.txt");
    const { a, lines } = keysFileGateway(keysFile);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "api-keys-file does not exist; every job is refused (401) until it does",
        path: keysFile,
      }),
    );
    const job = () => a.request("/text-to-image", json({ model_id: "m", prompt: "a" }, { authorization: "Bearer k" }));
    expect((await job()).status).toBe(401);
    writeFileSync(keysFile, "k\n");
    await new Promise((r) => setTimeout(r, 1100)); // the file is looked at once a second at most
    expect((await job()).status).toBe(503);
  });

  it("leaves out, with a warning naming the lines, keys of the file no Bearer header can carry", async () => {
    const keysFile = join(dir, "keys-unusable.txt");
    writeFileSync(keysFile, "good\nkey@host # an address\n\n  \nteam key\n");
    const { a, lines } = keysFileGateway(keysFile);
    const warned = lines.map((l) => JSON.parse(l)).filter((l) => String(l.msg).startsWith("api-keys-file:"));
    expect(warned).toEqual([
      expect.objectContaining({
        level: "warn",
        msg:
          "api-keys-file: a key may hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires (an " +
          "Authorization: Bearer header carries no other); these lines hold something else and are ignored",
        path: keysFile,
        lines: [2, 5],
      }),
    ]);
    expect(JSON.stringify(warned)).not.toMatch(/key@host|team key/);
    const job = (authorization: string) =>
      a.request("/text-to-image", json({ model_id: "m", prompt: "a" }, { authorization }));
    // A whitespace-only or non-token68 value is a malformed header: the same 401 as a wrong key (RFC 6750 §3.1).
    const refused = ["Bearer key@host", "Bearer team key", "Bearer    ", "Bearer", "Basic Z29vZA=="];
    for (const auth of refused) {
      const res = await job(auth);
      expect([res.status, res.headers.get("www-authenticate"), await res.json()]).toEqual([
        401,
        "Bearer",
        { detail: { msg: "invalid API key" } },
      ]);
    }
    expect((await job("bearer   good")).status).toBe(503);
  });

  it("rate-limits per key with 429 and Retry-After, other keys unaffected", async () => {
    const a = app({ apiKeys: ["k1", "k2"], rateLimit: 3 });
    const send = (key: string) =>
      a.request("/text-to-image", json({ model_id: "m", prompt: "a" }, { authorization: `Bearer ${key}` }));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send("k1")).status);
    expect(statuses).toEqual([503, 503, 503, 429]);
    const limited = await send("k1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ detail: { msg: "rate limit of 3 requests per minute exceeded" } });
    expect((await send("k2")).status).toBe(503);
  });

  it("rejects bodies over the per-route limit with 413 before reading them", async () => {
    const a = app({ maxUploadBytes: 10_000, bodyLimits: { "/upscale": 2000 } });
    const form = new FormData();
    form.append("model_id", "m");
    form.append("prompt", "");
    form.append("image", new Blob([new Uint8Array(5000)]), "x.png");
    const res = await a.request("/upscale", { method: "POST", body: form });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      detail: { msg: "request body is larger than the limit of 2000 bytes for /upscale" },
    });
    const form2 = new FormData();
    form2.append("prompt", "");
    form2.append("image", new Blob([new Uint8Array(5000)]), "x.png");
    form2.append("model_id", "m");
    // A chunked upload (no Content-Length) is cut off at the limit too.
    const chunked = await a.request("/upscale", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=XX" },
      body: new ReadableStream({
        start(ctl) {
          for (let i = 0; i < 10; i++) ctl.enqueue(new Uint8Array(1000));
          ctl.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // Past the size check (10 000 bytes elsewhere), the job reaches selection: no orchestrator → 503.
    expect((await a.request("/image-to-image", { method: "POST", body: form2 })).status).toBe(503);
  });
});
