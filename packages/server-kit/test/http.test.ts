/** @module The HTTP building blocks on a real Hono app: request ids, bearer auth, the error shapes and logging, metrics. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { describe, expect, it } from "vitest";
import {
  bearerAuth,
  countRequests,
  errorHandler,
  getRequestId,
  HttpError,
  isBearerToken,
  jsonAnswer,
  jsonLogger,
  listen,
  metricsRegistry,
  metricsResponse,
  notFoundHandler,
  RequestValidationError,
  requestCounter,
  requestId,
} from "../src/index.js";

function app(...middleware: Parameters<Hono["use"]>[1][]) {
  const lines: Array<Record<string, unknown>> = [];
  const a = new Hono();
  a.onError(errorHandler(jsonLogger({ write: (l) => lines.push(JSON.parse(l)) })));
  a.notFound(notFoundHandler(a));
  a.use(requestId());
  for (const m of middleware) a.use(m);
  a.get("/id", (c) => c.text(getRequestId(c)));
  a.get("/raw", () => new Response("raw"));
  a.get("/fast", (c) => jsonAnswer(c, Buffer.from('{"ok":"ü"}'), { "x-media-delivery": "data" }));
  a.get("/boom", () => {
    throw new Error("disk on fire");
  });
  a.post("/upload", bodyLimit({ maxSize: 4 }), async (c) => c.text(await c.req.text()));
  return { a, lines };
}

describe("requestId", () => {
  it("keeps a caller's id of visible ASCII, echoes it, and makes one for everything else", async () => {
    const { a } = app();
    for (const id of ["job-1", "job:1/2", "a".repeat(128), "...", ".a"]) {
      const res = await a.request("/id", { headers: { "x-request-id": id } });
      expect([await res.text(), res.headers.get("x-request-id")]).toEqual([id, id]);
    }
    // `.` and `..`: the path of the job's progress (`/progress/..`) would be read as a step up.
    for (const id of ["a".repeat(129), "has space", "tab\there", ".", ".."]) {
      const res = await a.request("/id", { headers: { "x-request-id": id } });
      const made = await res.text();
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-request-id")).toBe(made);
    }
  });

  it("puts the id on answers a handler built itself, and on errors", async () => {
    const { a } = app();
    const raw = await a.request("/raw", { headers: { "x-request-id": "r-1" } });
    expect(raw.headers.get("x-request-id")).toBe("r-1");
    const missing = await a.request("/nope", { headers: { "x-request-id": "r-2" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBe("r-2");
  });
});

describe("notFoundHandler", () => {
  it("answers 405 with Allow for a path served with other methods, 404 for a path served with none", async () => {
    const { a } = app();
    a.get("/jobs/:id", (c) => c.text(c.req.param("id")));
    a.post("/jobs/:id/cancel", (c) => c.text("cancelled"));
    a.get("/outputs/:name{[a-z0-9]+\\.png}", (c) => c.text("png"));
    const cases: Array<[string, string, number, string, string | null]> = [
      ["DELETE", "/jobs/j1", 405, "DELETE is not allowed on /jobs/j1; it takes GET, HEAD", "GET, HEAD"],
      ["GET", "/jobs/j1/cancel", 405, "GET is not allowed on /jobs/j1/cancel; it takes POST", "POST"],
      ["POST", "/upload/", 404, "no route POST /upload/", null],
      ["PUT", "/upload", 405, "PUT is not allowed on /upload; it takes POST", "POST"],
      ["POST", "/outputs/a1.png", 405, "POST is not allowed on /outputs/a1.png; it takes GET, HEAD", "GET, HEAD"],
      ["POST", "/outputs/a1.jpg", 404, "no route POST /outputs/a1.jpg", null],
      ["GET", "/jobs/j1/events", 404, "no route GET /jobs/j1/events", null],
      ["GET", "/nope", 404, "no route GET /nope", null],
    ];
    for (const [method, path, status, msg, allow] of cases) {
      const res = await a.request(path, { method });
      expect([method, path, res.status, res.headers.get("allow")]).toEqual([method, path, status, allow]);
      expect(await res.json()).toEqual({ detail: { msg } });
    }
  });
});

describe("jsonAnswer", () => {
  it("answers 200 JSON with the request id and its own headers, through the app", async () => {
    const { a } = app();
    const res = await a.request("/fast", { headers: { "x-request-id": "f-1" } });
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toEqual({
      "content-type": "application/json",
      "x-request-id": "f-1",
      "x-media-delivery": "data",
    });
    expect(await res.json()).toEqual({ ok: "ü" });
  });

  it("goes out over a real server with one id, its length and its bytes as given", async () => {
    const { a } = app();
    const server = await listen(a.fetch, { host: "127.0.0.1", port: 0 });
    try {
      for (const id of ["f-2", undefined]) {
        const res = await fetch(`${server.url}/fast`, { headers: id ? { "x-request-id": id } : {} });
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.toString()).toBe('{"ok":"ü"}');
        expect(res.headers.get("content-length")).toBe(String(bytes.length));
        expect(res.headers.get("content-type")).toBe("application/json");
        expect(res.headers.get("x-media-delivery")).toBe("data");
        expect(res.headers.get("x-request-id")).toMatch(id ? /^f-2$/ : /^[0-9a-f-]{36}$/);
      }
    } finally {
      await server.stop(1000);
    }
  });
});

describe("errorHandler", () => {
  it("answers an unexpected error with a bare 500 and logs it with the request id", async () => {
    const { a, lines } = app();
    const res = await a.request("/boom", { headers: { "x-request-id": "boom-1" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: { msg: "internal server error" } });
    expect(lines).toEqual([
      expect.objectContaining({ level: "error", msg: "unhandled error", request_id: "boom-1", error: "disk on fire" }),
    ]);
  });

  it("keeps the status of Hono's own HTTP errors, in the error shape", async () => {
    const { a } = app();
    const res = await a.request("/upload", { method: "POST", body: "too long" });
    expect(res.status).toBe(413);
    expect((await res.json()).detail.msg).toBeTruthy();
  });

  it("sends HttpError headers", async () => {
    const a = new Hono();
    a.onError(errorHandler());
    a.get("/", () => {
      throw new HttpError(503, "busy", { headers: { "Retry-After": "3" } });
    });
    const res = await a.request("/");
    expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
      503,
      "3",
      { detail: { msg: "busy" } },
    ]);
  });
});

describe("errorHandler's refused observer", () => {
  it("sees every 4xx answer with its status and message, and no 5xx or served request", async () => {
    const seen: Array<[number, string]> = [];
    const a = new Hono();
    a.onError(errorHandler(() => {}, { refused: (_c, status, msg) => seen.push([status, msg]) }));
    a.get("/ok", (c) => c.text("ok"));
    a.get("/busy", () => {
      throw new HttpError(429, "too many");
    });
    a.get("/invalid", () => {
      throw new RequestValidationError([
        { loc: ["body", "fps"], msg: "fps must be ≤ 30, got 31", type: "less_than_equal" },
      ]);
    });
    a.get("/boom", () => {
      throw new Error("disk on fire");
    });
    a.post("/upload", bodyLimit({ maxSize: 4 }), async (c) => c.text(await c.req.text()));
    const statuses = [];
    for (const [path, init] of [
      ["/ok"],
      ["/busy"],
      ["/invalid"],
      ["/boom"],
      ["/upload", { method: "POST", body: "too long" }],
    ] as const) {
      statuses.push((await a.request(path, init)).status);
    }
    expect(statuses).toEqual([200, 429, 422, 500, 413]);
    expect(seen).toEqual([
      [429, "too many"],
      [422, "body.fps: fps must be ≤ 30, got 31"],
      [413, expect.any(String)],
    ]);
  });
});

describe("bearerAuth", () => {
  it("lets everything through without a token", async () => {
    const { a } = app(bearerAuth({ token: "" }));
    expect((await a.request("/id")).status).toBe(200);
  });

  it("answers a missing, malformed or wrong token with 401, WWW-Authenticate: Bearer and the error shape", async () => {
    const { a } = app(bearerAuth({ token: "s3cret", missing: "send a token" }));
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "send a token"],
      [{ authorization: "Bearer wrong" }, "Invalid bearer token"],
      [{ authorization: "s3cret" }, "Invalid bearer token"],
      [{ authorization: "Basic czNjcmV0" }, "Invalid bearer token"],
      [{ authorization: "Bearer s3cret!" }, "Invalid bearer token"],
      [{ authorization: "Bearer s3cre" }, "Invalid bearer token"],
      [{ authorization: "Bearer s3cret2" }, "Invalid bearer token"],
      [{ authorization: "Bearers3cret" }, "Invalid bearer token"],
      [{ authorization: "Bearer " }, "Invalid bearer token"],
      [{ authorization: "" }, "Invalid bearer token"],
    ];
    for (const [headers, msg] of cases) {
      const res = await a.request("/id", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ detail: { msg } });
    }
    const ok = await a.request("/id", { headers: { authorization: "bearer s3cret", "x-request-id": "ok-1" } });
    expect([ok.status, await ok.text()]).toEqual([200, "ok-1"]);
    const spaced = await a.request("/id", { headers: { authorization: "BEARER   s3cret" } });
    expect(spaced.status).toBe(200);
  });

  it("checks tokens with verify, and leaves errors of the routes behind it alone", async () => {
    const keys = new Set(["k1"]);
    const { a } = app(bearerAuth({ verify: (t) => keys.has(t), invalid: "invalid API key" }));
    expect((await a.request("/id", { headers: { authorization: "Bearer k2" } })).status).toBe(401);
    const throwing = app(
      bearerAuth({
        verify: () => {
          throw new Error("key store down");
        },
      }),
    ).a;
    expect((await throwing.request("/id", { headers: { authorization: "Bearer k1" } })).status).toBe(401);
    const boom = await a.request("/boom", { headers: { authorization: "Bearer k1" } });
    expect(boom.status).toBe(500);
    const big = await a.request("/upload", { method: "POST", body: "12345", headers: { authorization: "Bearer k1" } });
    expect(big.status).toBe(413);
  });

  it("refuses a configured token no request could carry", () => {
    expect(() => bearerAuth({ token: "pass word" })).toThrow(/RFC 6750/);
  });

  it("isBearerToken is the rule requests are read by: what it refuses, no request can carry", async () => {
    const { a } = app(bearerAuth({ verify: () => true }));
    const values = ["k1", "a/b+c~_.-==", "key@1", "pass word", " ", "clé", "a=b", "k1,k2"];
    const through = await Promise.all(
      values.map(async (v) => (await a.request("/x", { headers: { authorization: `Bearer ${v}` } })).status !== 401),
    );
    expect(values.map(isBearerToken)).toEqual([true, true, false, false, false, false, false, false]);
    expect(through).toEqual(values.map(isBearerToken));
  });
});

describe("metrics", () => {
  it("counts requests by route pattern, method and status, and serves the registry", async () => {
    const registry = metricsRegistry({ prefix: "avs_test_" });
    const requests = requestCounter(registry, "avs_test_http_requests_total");
    const a = new Hono();
    a.notFound(notFoundHandler(a));
    a.use(countRequests(requests));
    a.get("/outputs/:name", (c) => c.text(c.req.param("name")));
    a.get("/metrics", (c) => metricsResponse(c, registry));
    await a.request("/outputs/a");
    await a.request("/outputs/b");
    await a.request("/missing");
    const res = await a.request("/metrics");
    expect(res.headers.get("content-type")).toBe(registry.contentType);
    const text = await res.text();
    expect(text).toContain('avs_test_http_requests_total{route="/outputs/:name",method="GET",status="200"} 2');
    expect(text).toContain('avs_test_http_requests_total{route="/*",method="GET",status="404"} 1');
    expect(text).toMatch(/^avs_test_process_resident_memory_bytes \d+/m);
  });
});
