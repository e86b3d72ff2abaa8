/**
 * @module `models fetch` against a real local hub that answers 429 or 503 with a `Retry-After`: the listing's and a
 * file's retry waits at least what the server asked (delta-seconds or an HTTP-date), however short the backoff, and
 * says so; a malformed, negative or past value leaves the backoff alone; a wait past 300 s fails at once. The waits
 * are read from the hub's request log, when each request arrived.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchLogged, stagingLeft, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import type { SeenRequest } from "../../../test/local-hub.js";
import { TransferError } from "./download-file.js";
import { HubError } from "./hub-api.js";

const f = useLocalHubFixtures();

/** An HTTP-date `ms` from now, made when the request arrives (whole seconds, so the wait is `ms` less under 1 s). */
const dateIn = (ms: number) => () => new Date(Date.now() + ms).toUTCString();
const PAST = "Wed, 21 Oct 2015 07:28:00 GMT";
const TOO_LONG =
  "it asked to wait 3600 s (Retry-After), more than the 300 s a fetch waits for a retry, so try again later";

/**
 * Fetches org/film (its listing, then film_net.onnx from the CDN) with a 10 ms backoff and `retries`: the result (or
 * error), the retry events, and the listing and CDN requests the hub logged.
 */
async function fetchFilm(retries: number) {
  const dir = f.modelDir();
  const { result, events, seen } = await fetchLogged(f.hub, {
    repo: "org/film",
    modelDir: dir,
    retryDelayMs: 10,
    stallMs: 5000,
    retries,
  });
  return {
    result,
    dir,
    retries: events.filter((e) => e.event === "listing_retry" || e.event === "retry"),
    listings: seen.filter((q) => q.url.startsWith("/api/models/")),
    downloads: seen.filter((q) => q.server === "cdn"),
  };
}

/** The JSON fields of a retry that waits `ms`, as the server's `Retry-After` asked. */
const asked = (ms: number) => ({ wait_ms: ms, retry_after_ms: ms });

/** Milliseconds between each request and the one before it. */
const gaps = (seen: SeenRequest[]) => seen.slice(1).map((q, i) => q.at - (seen[i] as SeenRequest).at);

const fetched = (dir: string) => readFileSync(join(dir, "org", "film", "model.onnx")).length;

describe("a listing answered with a Retry-After", () => {
  it("429 with Retry-After: 1 waits 1 s before the next listing, though the backoff is 10 ms, and says so", async () => {
    f.hub.listingFailures.set("org/film", [{ status: 429, retryAfter: "1" }]);
    const { result, retries, listings, dir } = await fetchFilm(3);
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(listings).toHaveLength(2);
    expect(gaps(listings)[0]).toBeGreaterThanOrEqual(1000);
    const error = `${f.hub.endpoint} answered 429: Request refused for org/film@main`;
    expect(retries).toEqual([{ event: "listing_retry", attempt: 1, error, ...asked(1000) }]);
    expect(fetched(dir)).toBeGreaterThan(0);
  }, 10_000);

  it("503 with an HTTP-date waits until that time", async () => {
    f.hub.listingFailures.set("org/film", [{ status: 503, retryAfter: dateIn(2000) }]);
    const { result, retries, listings } = await fetchFilm(3);
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(listings).toHaveLength(2);
    // The date is in whole seconds, more than 1 s after the refusal and at most 2 s.
    expect(gaps(listings)[0]).toBeGreaterThanOrEqual(1000);
    expect(retries[0]?.retry_after_ms).toBeGreaterThan(500);
    expect(retries[0]?.retry_after_ms).toBeLessThanOrEqual(2000);
    expect(retries[0]?.wait_ms).toBe(retries[0]?.retry_after_ms);
  }, 10_000);

  it("a malformed, negative, fractional or past value, or one on a 500, leaves the backoff as it was", async () => {
    f.hub.listingFailures.set("org/film", [
      { status: 429, retryAfter: "soon" },
      { status: 503, retryAfter: "-1" },
      { status: 429, retryAfter: "1.5" },
      { status: 503, retryAfter: PAST },
      { status: 500, retryAfter: "1" },
    ]);
    const { result, retries, listings } = await fetchFilm(5);
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(listings).toHaveLength(6);
    expect(retries.map((e) => [e.wait_ms, e.retry_after_ms])).toEqual([
      [10, null],
      [20, null],
      [40, null],
      [80, null],
      [160, null],
    ]);
    expect(Math.max(...gaps(listings))).toBeLessThan(900);
  }, 10_000);

  it("a wait over 300 s, in seconds or as a date, fails at once with the status, saying to try again later", async () => {
    for (const [retryAfter, asked] of [
      ["301", 301],
      ["3600", 3600],
      [dateIn(3_600_000), 3600],
    ] as const) {
      f.hub.listingFailures.set("org/film", [{ status: 429, retryAfter }]);
      const { result, retries, listings, dir } = await fetchFilm(5);
      expect(result).toBeInstanceOf(HubError);
      expect(result).toMatchObject({ status: 429 });
      expect((result as Error).message).toBe(
        `${f.hub.endpoint} answered 429: Request refused for org/film@main; ${TOO_LONG.replace("3600", String(asked))}; gave up after 1 attempt; nothing was fetched`,
      );
      expect(listings).toHaveLength(1);
      expect(retries).toEqual([]);
      expect(stagingLeft(dir, "org")).toEqual([]);
    }
  }, 10_000);
});

describe("a file answered with a Retry-After", () => {
  it("429 with Retry-After: 1 waits 1 s before asking for the file again, and says so", async () => {
    f.hub.refuse.set("film_net.onnx", { status: 429, retryAfter: "1" });
    const { result, retries, downloads, dir } = await fetchFilm(3);
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(downloads).toHaveLength(2);
    expect(gaps(downloads)[0]).toBeGreaterThanOrEqual(1000);
    const error = "the server answered 429";
    expect(retries).toEqual([{ event: "retry", file: "film_net.onnx", attempt: 1, at: 0, error, ...asked(1000) }]);
    expect(fetched(dir)).toBeGreaterThan(0);
  }, 10_000);

  it("503 with an HTTP-date waits until that time", async () => {
    f.hub.refuse.set("film_net.onnx", { status: 503, retryAfter: dateIn(2000) });
    const { result, retries, downloads } = await fetchFilm(3);
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(downloads).toHaveLength(2);
    expect(gaps(downloads)[0]).toBeGreaterThanOrEqual(1000);
    expect(retries[0]).toMatchObject({ error: "the server answered 503", wait_ms: retries[0]?.retry_after_ms });
    expect(retries[0]?.retry_after_ms).toBeGreaterThan(500);
  }, 10_000);

  it("a malformed, negative, fractional or past value leaves the backoff as it was", async () => {
    for (const retryAfter of ["soon", "-1", "1.5", PAST]) {
      f.hub.refuse.set("film_net.onnx", { status: 429, retryAfter });
      const { result, retries, downloads } = await fetchFilm(3);
      expect(result).toMatchObject({ pipeline: "frame-interpolation" });
      expect(retries.map((e) => [e.wait_ms, e.retry_after_ms])).toEqual([[10, null]]);
      expect(downloads).toHaveLength(2);
      expect(gaps(downloads)[0]).toBeLessThan(900);
    }
  }, 10_000);

  it("a wait over 300 s fails at once, keeping the staging folder for a later fetch, saying to try again later", async () => {
    f.hub.refuse.set("film_net.onnx", { status: 429, retryAfter: "3600" });
    const { result, retries, downloads, dir } = await fetchFilm(5);
    expect(result).toBeInstanceOf(TransferError);
    expect((result as Error).message).toMatch(
      new RegExp(
        `^film_net.onnx: the server answered 429; ${TOO_LONG.replace(/[()]/g, "\\$&")}; gave up after 1 attempt \\(0 bytes kept in .+/\\.partial/film_net.onnx, a new fetch resumes there\\)$`,
      ),
    );
    expect(downloads).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(stagingLeft(dir, "org")).toEqual([`.fetching-film@${f.hub.commit("org/film", "main")}`]);
  }, 10_000);
});
