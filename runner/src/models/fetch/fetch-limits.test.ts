/**
 * @module `models fetch` against a real local hub that answers nothing or drips: the stall limit on the listing and on
 * every file (headers and body), and the low-speed floor, each cut with a message that says what happened; a file is
 * retried and resumed, the listing retried (fetch-listing-retry.test.ts has its other failures). Windows are a
 * fraction of a second here (60 s by default).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stagingLeft, useLocalHubFixtures } from "../../../test/fetch-fixtures.js";
import { TransferError } from "./download-file.js";
import { fetchModel } from "./fetch-model.js";
import { jsonProgress } from "./progress.js";

const f = useLocalHubFixtures();
const FAST = { retryDelayMs: 10, stallMs: 300, minSpeed: 1000, speedWindowMs: 300 };
const listingUrl = () => `${f.hub.endpoint}/api/models/org/film/revision/main?blobs=true`;

/** Fetches org/film (one file, film_net.onnx, via the CDN) with `FAST` limits; its retry events and listing requests. */
async function fetchFilm(options: { retries?: number } = {}) {
  const before = f.hub.requests.length;
  const lines: string[] = [];
  const dir = f.modelDir();
  const started = Date.now();
  const result = await fetchModel({
    repo: "org/film",
    endpoint: f.hub.endpoint,
    modelDir: dir,
    progress: jsonProgress((l) => lines.push(l)),
    ...FAST,
    ...options,
  }).catch((e: Error) => e);
  const retries = lines.map((l) => JSON.parse(l)).filter((e) => e.event === "retry");
  const listings = f.hub.requests.slice(before).filter((q) => q.url.startsWith("/api/models/")).length;
  return { result, retries, listings, dir, seconds: (Date.now() - started) / 1000 };
}

describe("the listing", () => {
  it("that never answers is cut after the stall limit, saying so (not 'cannot reach'), and retried", async () => {
    f.hub.listingFault.set("org/film", "silent");
    try {
      const { result, listings, seconds } = await fetchFilm({ retries: 1 });
      expect((result as Error).message).toBe(
        `${listingUrl()}: no answer within 0.3 s (the repository listing); gave up after 2 attempts; nothing was fetched`,
      );
      expect(listings).toBe(2);
      expect(seconds).toBeLessThan(2);
    } finally {
      f.hub.listingFault.clear();
    }
  }, 5000);

  it("whose body pauses past the stall limit, or drips below the floor, is cut", async () => {
    try {
      f.hub.listingFault.set("org/film", 400);
      expect(((await fetchFilm({ retries: 0 })).result as Error).message).toBe(
        `${listingUrl()}: no data for 0.3 s while the repository listing was read; gave up after 1 attempt; nothing was fetched`,
      );
      f.hub.listingFault.set("org/film", 25);
      const { result, listings, seconds } = await fetchFilm({ retries: 1 });
      expect((result as Error).message).toMatch(
        /: too slow: \d+ B\/s over 0.3 s \(the floor is 1.0 kB\/s\) while the repository listing was read; gave up after 2 attempts; nothing was fetched$/,
      );
      expect(listings).toBe(2);
      expect(seconds).toBeLessThan(2);
    } finally {
      f.hub.listingFault.clear();
    }
  }, 5000);
});

describe("a file", () => {
  it("whose server never answers is cut after the stall limit and retried", async () => {
    f.hub.silent.add("film_net.onnx");
    const { result, retries, dir } = await fetchFilm();
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(retries).toEqual([
      {
        event: "retry",
        file: "film_net.onnx",
        attempt: 1,
        at: 0,
        error: "no answer within 0.3 s",
        wait_ms: 10,
        retry_after_ms: null,
      },
    ]);
    expect(readFileSync(join(dir, "org", "film", "model.onnx")).length).toBeGreaterThan(0);
  }, 5000);

  it("sent below the speed floor is cut with its rate, retried and resumed where it stopped", async () => {
    f.hub.drip.set("film_net.onnx", 25);
    const { result, retries, dir } = await fetchFilm();
    expect(result).toMatchObject({ pipeline: "frame-interpolation" });
    expect(retries).toHaveLength(1);
    expect(retries[0].error).toMatch(/^cut at byte \d+: too slow: \d+ B\/s over 0.3 s \(the floor is 1.0 kB\/s\)$/);
    const cdn = f.hub.requests.filter((q) => q.server === "cdn").slice(-2);
    expect(cdn[1]?.range).toBe(`bytes=${retries[0].at}-`);
    expect(retries[0].at).toBeGreaterThan(0);
    expect(stagingLeft(dir, "org")).toEqual([]);
  }, 5000);

  it("past the retries fails with the reason, keeping the partial file for the next run", async () => {
    f.hub.drip.set("film_net.onnx", 25);
    const { result, dir } = await fetchFilm({ retries: 0 });
    expect(result).toBeInstanceOf(TransferError);
    expect((result as Error).message).toMatch(
      /^film_net.onnx: cut at byte \d+: too slow: \d+ B\/s over 0.3 s \(the floor is 1.0 kB\/s\); gave up after 1 attempt/,
    );
    expect(stagingLeft(dir, "org")).toEqual([`.fetching-film@${f.hub.commit("org/film", "main")}`]);
  }, 5000);
});
