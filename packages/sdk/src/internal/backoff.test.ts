import { describe, expect, it } from "vitest";
import { BACKOFF_CAP_MS, backoffDelay, isIdempotentRequest, sleep } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles from 500 ms to the cap, keeping between half and all of each step", () => {
    const low = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, undefined, () => 0));
    const high = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, undefined, () => 1));
    expect(low).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(high).toEqual([500, 1000, 2000, 4000, 8000, BACKOFF_CAP_MS]);
  });

  it("spreads waits with jitter", () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffDelay(2, undefined)));
    expect(waits.size).toBeGreaterThan(10);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(2000);
  });

  it("uses the server's Retry-After as given", () => {
    expect(backoffDelay(0, 3000, () => 0.9)).toBe(3000);
    expect(backoffDelay(5, 0)).toBe(0);
  });
});

describe("isIdempotentRequest", () => {
  it("accepts safe methods and Idempotency-Key, not a plain POST", () => {
    expect(isIdempotentRequest(new Request("http://x/outputs/a.png"))).toBe(true);
    expect(isIdempotentRequest(new Request("http://x/a", { method: "DELETE" }))).toBe(true);
    expect(isIdempotentRequest(new Request("http://x/text-to-image", { method: "POST" }))).toBe(false);
    const keyed = new Request("http://x/text-to-image", { method: "POST", headers: { "Idempotency-Key": "k1" } });
    expect(isIdempotentRequest(keyed)).toBe(true);
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason as soon as it fires", async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error("stop")), 20);
    await expect(sleep(5000, ac.signal)).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
