/** @module CORS: off by default; with `corsOrigins`, preflights are answered and every answer (errors too) is readable. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createBroadcaster, parseConfig } from "../src/index.js";
import { outputName } from "../src/outputs/store.js";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const dir = mkdtempSync(join(tmpdir(), "avs-cors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP = "https://app.example";
function app(options: Parameters<typeof createBroadcaster>[0] = {}) {
  return createBroadcaster({ logLevel: "silent", outputs: { kind: "local", dir }, ...options }).app;
}
const preflight = (origin: string) => ({
  method: "OPTIONS",
  headers: {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization,content-type",
  },
});

describe("CORS", () => {
  it("sends no CORS headers unless origins are configured", async () => {
    const res = await app().request("/health", { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight for an allowed origin: methods, bearer and content-type headers, cache time", async () => {
    const res = await app({ corsOrigins: [APP] }).request("/text-to-image", preflight(APP));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD,POST");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase().split(",")).toEqual(
      expect.arrayContaining(["authorization", "content-type", "x-request-id"]),
    );
    expect(res.headers.get("access-control-max-age")).toBe("600");
  });

  it("lets a page send the asynchronous-job headers (Prefer, Idempotency-Key, webhooks, Last-Event-ID)", async () => {
    const res = await app({ corsOrigins: [APP] }).request("/jobs/job_AAAAAAAAAAAAAAAAAAAAAA/events", preflight(APP));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase().split(",")).toEqual(
      expect.arrayContaining(["prefer", "idempotency-key", "webhook-url", "webhook-secret", "last-event-id"]),
    );
  });

  it("does not allow other origins", async () => {
    const res = await app({ corsOrigins: [APP] }).request("/text-to-image", preflight("https://evil.example"));
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets the page read errors and their request id and Retry-After (401, 422, 503)", async () => {
    const a = app({ corsOrigins: ["*"], apiKeys: ["k"] });
    const post = (headers: Record<string, string>, body: unknown) =>
      a.request("/text-to-image", {
        method: "POST",
        headers: { origin: APP, "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    for (const [res, status] of [
      [await post({}, { model_id: "m", prompt: "p" }), 401],
      [await post({ authorization: "Bearer k" }, { model_id: "m" }), 422],
      [await post({ authorization: "Bearer k" }, { model_id: "m", prompt: "p" }), 503],
    ] as const) {
      expect(res.status).toBe(status);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-expose-headers")).toBe(
        "X-Request-Id,Retry-After,Location,Preference-Applied,Idempotent-Replayed,Content-Range,Accept-Ranges",
      );
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("lets the page read a job's 200 answer and its request id", async () => {
    const o = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: "m" }]);
    const t = await startBroadcaster({ orchestrators: [o.url], corsOrigins: [APP] });
    try {
      const res = await textToImage(t.url, { model_id: "m", prompt: "p" }, { origin: APP, "x-request-id": "cors-1" });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
      expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
      expect(res.headers.get("x-request-id")).toBe("cors-1");
      expect(res.headers.get("content-type")).toBe("application/json");
      expect((await res.json()).images[0].url).toMatch(new RegExp(`^${t.url}/outputs/`));
    } finally {
      await t.close();
      await o.close();
    }
  });

  it("lets a page ask for a part of an output and read which part it got", async () => {
    const res = await app({ corsOrigins: [APP] }).request("/outputs/x.mp4", {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "GET", "access-control-request-headers": "range" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase().split(",")).toContain("range");
    const t = await startBroadcaster({ corsOrigins: [APP] });
    try {
      const name = await t.b.store.put(outputName("mp4"), new Uint8Array(100), "video/mp4", 100);
      const part = await fetch(`${t.url}/outputs/${name}`, { headers: { origin: APP, range: "bytes=-10" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("access-control-expose-headers")?.split(",")).toEqual(
        expect.arrayContaining(["Content-Range", "Accept-Ranges"]),
      );
      expect(part.headers.get("content-range")).toBe("bytes 90-99/100");
      await part.arrayBuffer();
    } finally {
      await t.close();
    }
  });

  it('is one setting: --cors-origin, AVS_BROADCASTER_CORS_ORIGIN, "cors-origin"', () => {
    expect(
      parseConfig(["--cors-origin", APP, "--cors-origin", "http://localhost:5173"], {}).options.corsOrigins,
    ).toEqual([APP, "http://localhost:5173"]);
    expect(parseConfig([], { AVS_BROADCASTER_CORS_ORIGIN: "*" }).options.corsOrigins).toEqual(["*"]);
  });
});
