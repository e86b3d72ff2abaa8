/**
 * @module `models fetch` against a real local hub whose repository listing fails: a 5xx/408/429 answer, a dropped
 * connection or a stall is retried like a file (same `retries`, same backoff, same limits) and each retry reported;
 * any other 4xx fails at once with the hub's message. The hub's request log counts the listing requests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stagingLeft, TOKEN, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import { fetchModel } from "./fetch-model.js";
import { HubError } from "./hub-api.js";
import { jsonProgress } from "./progress.js";

const f = useLocalHubFixtures();
const FAST = { retryDelayMs: 10, stallMs: 300 };

/**
 * Fetches `repo` (default org/film: one file, film_net.onnx, via the CDN) with `FAST` limits after arming its next
 * listings to fail as `failures` says; the result (or error), the progress events, the listing requests the hub saw.
 */
async function fetchAfter(
  failures: Array<number | "cut" | "silent">,
  options: { repo?: string; revision?: string; retries?: number; token?: string } = {},
) {
  const repo = options.repo ?? "org/film";
  f.hub.listingFailures.set(repo, [...failures]);
  const before = f.hub.requests.length;
  const lines: string[] = [];
  const dir = f.modelDir();
  const started = Date.now();
  try {
    const result = await fetchModel({
      endpoint: f.hub.endpoint,
      modelDir: dir,
      progress: jsonProgress((l) => lines.push(l)),
      ...FAST,
      ...options,
      repo,
    }).catch((e: Error) => e);
    const listings = f.hub.requests.slice(before).filter((q) => q.server === "hub" && q.url.startsWith("/api/models/"));
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, events, listings: listings.length, dir, ms: Date.now() - started };
  } finally {
    f.hub.listingFailures.clear();
  }
}

describe("a listing that fails for a while", () => {
  it("answered 503 twice, then the listing: retried with the backoff, reported, and the fetch succeeds", async () => {
    const { result, events, listings, dir, ms } = await fetchAfter([503, 503], { retries: 5 });
    expect(result).toMatchObject({ model_id: "org/film", pipeline: "frame-interpolation" });
    expect(listings).toBe(3);
    const said = `${f.hub.endpoint} answered 503: Request refused for org/film@main`;
    expect(events.filter((e) => e.event === "listing_retry")).toEqual([
      { event: "listing_retry", attempt: 1, error: said, wait_ms: 10, retry_after_ms: null },
      { event: "listing_retry", attempt: 2, error: said, wait_ms: 20, retry_after_ms: null },
    ]);
    expect(events.map((e) => e.event).slice(0, 3)).toEqual(["listing_retry", "listing_retry", "listed"]);
    // The backoff of a file's retries: 10 ms, then 20 ms.
    expect(ms).toBeGreaterThanOrEqual(30);
    expect(readFileSync(join(dir, "org", "film", "model.onnx")).length).toBeGreaterThan(0);
  }, 10_000);

  it("a dropped connection, a stall, a 429 and a 408 are retried as well", async () => {
    const { result, events, listings } = await fetchAfter(["cut", "silent", 429, 408], { retries: 4 });
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(listings).toBe(5);
    const errors = events.filter((e) => e.event === "listing_retry").map((e) => e.error);
    const url = `${f.hub.endpoint}/api/models/org/film/revision/main?blobs=true`;
    expect(errors).toEqual([
      expect.stringMatching(/: the connection was lost: .+ while the repository listing was read$/),
      `${url}: no answer within 0.3 s (the repository listing)`,
      `${f.hub.endpoint} answered 429: Request refused for org/film@main`,
      `${f.hub.endpoint} answered 408: Request refused for org/film@main`,
    ]);
    expect(String(errors[0]).startsWith(`${url}: `)).toBe(true);
  }, 10_000);

  it("past the retries fails with the last reason and the attempts, keeping the status, writing nothing", async () => {
    const { result, listings, dir } = await fetchAfter([503, 502, 500], { retries: 2 });
    expect(result).toBeInstanceOf(HubError);
    expect(result).toMatchObject({ status: 500 });
    expect((result as Error).message).toBe(
      `${f.hub.endpoint} answered 500: Request refused for org/film@main; gave up after 3 attempts; nothing was fetched`,
    );
    expect(listings).toBe(3);
    expect(stagingLeft(dir, "org")).toEqual([]);
  }, 10_000);
});

describe("a listing refused with a 4xx", () => {
  it("404 fails at once, saying there is no such model or revision, without a retry", async () => {
    const armed = await fetchAfter([404], { retries: 5 });
    expect(armed.result).toMatchObject({ status: 404 });
    expect((armed.result as Error).message).toBe(`org/film was not found on ${f.hub.endpoint} (404: Request refused)`);
    expect(armed.listings).toBe(1);
    expect(armed.events.filter((e) => e.event === "listing_retry")).toEqual([]);
    const revision = await fetchAfter([], { revision: "nope", retries: 5 });
    expect((revision.result as Error).message).toBe(
      'revision "nope" of org/film was not found (404: Invalid rev id: nope)',
    );
    expect(revision.listings).toBe(1);
  }, 10_000);

  it("401 and 403 fail at once, saying the token is missing, wrong or lacks the terms", async () => {
    const missing = await fetchAfter([], { repo: "org/private", retries: 5 });
    expect((missing.result as Error).message).toMatch(/^org\/private needs authentication \(401: .*\); set HF_TOKEN/);
    expect(missing.listings).toBe(1);
    const wrong = await fetchAfter([], { repo: "org/private", retries: 5, token: "hf_wrong" });
    expect((wrong.result as Error).message).toMatch(/refused the token in HF_TOKEN for org\/private \(401: /);
    expect(wrong.listings).toBe(1);
    const gated = await fetchAfter([403], { repo: "org/private", retries: 5, token: TOKEN });
    expect((gated.result as Error).message).toBe(
      "access to org/private was denied (403: Request refused); a gated repository needs its terms accepted on the hub by the token's account",
    );
    expect(gated.listings).toBe(1);
  }, 10_000);
});
