/**
 * @module Progress channels: events in order with sequence ids, waiting for a job, the kept last state, the replay
 * after an id, expiry.
 */
import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT, type ProgressEvent, ProgressHub } from "./progress-hub.js";
import { formatEvent } from "./progress-route.js";

describe("ProgressHub", () => {
  it("sends every event in order to subscribers, then end, and keeps only the last state", () => {
    const hub = new ProgressHub();
    const job = hub.open("job-1");
    const seen: ProgressEvent[] = [];
    job.subscribe((e) => seen.push(e));
    job.publish({ stage: "denoise", step: 1, total: 3 });
    job.publish({ stage: "denoise", step: 2, total: 3 });
    job.fail("inference failed: boom");
    job.finish(500);
    job.publish({ stage: "denoise", step: 3, total: 3 });
    expect(seen.map((e) => [e.id, e.event, e.data])).toEqual([
      [1, "progress", { stage: "denoise", step: 1, total: 3, fraction: 0.3333 }],
      [2, "progress", { stage: "denoise", step: 2, total: 3, fraction: 0.6667 }],
      [3, "end", { status: 500, msg: "inference failed: boom" }],
    ]);
    expect(job.snapshot().map((e) => e.id)).toEqual([2, 3]);
    hub.close();
  });

  it("replays the kept events after an id, with the end once the job ended, and keeps at most HISTORY_LIMIT", () => {
    const hub = new ProgressHub();
    const job = hub.open("replay");
    for (let step = 1; step <= 3; step++) job.publish({ stage: "denoise", step, total: 3 });
    expect(job.since(0).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(job.since(2).map((e) => e.id)).toEqual([3]);
    expect(job.since(3)).toEqual([]);
    job.finish(200);
    expect(job.since(1).map((e) => [e.id, e.event])).toEqual([
      [2, "progress"],
      [3, "progress"],
      [4, "end"],
    ]);
    // The end itself, or an id the job never sent: the end again, so the subscriber learns how it ended.
    expect(job.since(4).map((e) => [e.id, e.event])).toEqual([[4, "end"]]);
    expect(job.since(999).map((e) => [e.id, e.event])).toEqual([[4, "end"]]);
    const long = hub.open("long");
    for (let step = 1; step <= HISTORY_LIMIT + 5; step++) long.publish({ stage: "frames", step, total: 2000 });
    const kept = long.since(0);
    expect(kept).toHaveLength(HISTORY_LIMIT);
    expect(kept[0]!.id).toBe(6);
    expect(kept.at(-1)!.id).toBe(HISTORY_LIMIT + 5);
    expect(long.snapshot().map((e) => e.id)).toEqual([HISTORY_LIMIT + 5]);
    hub.close();
  });

  it("tells watchers how many subscribers follow the job", () => {
    const hub = new ProgressHub();
    const job = hub.open("watched");
    const counts: number[] = [];
    job.onSubscribers((n) => counts.push(n));
    const stop = job.subscribe(() => {});
    job.subscribe(() => {});
    stop();
    stop();
    job.finish(200);
    expect(counts).toEqual([0, 1, 2, 1]);
    hub.close();
  });

  it("leaves msg out of a successful end", () => {
    const hub = new ProgressHub();
    const job = hub.open("ok");
    job.finish(200);
    expect(job.snapshot()).toEqual([{ id: 1, event: "end", data: { status: 200 } }]);
    expect(formatEvent(job.snapshot()[0]!)).toBe('id: 1\nevent: end\ndata: {"status":200}\n\n');
    hub.close();
  });

  it("lets a subscriber wait for a job that has not started, and gives up after the wait", async () => {
    const hub = new ProgressHub({ waitMs: 50 });
    const early = hub.find("job-2");
    const job = hub.open("job-2");
    expect(await early).toBe(job);
    const t0 = performance.now();
    expect(await hub.find("nobody")).toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    const aborted = new AbortController();
    const waiting = hub.find("nobody-either", aborted.signal);
    aborted.abort();
    expect(await waiting).toBeUndefined();
    hub.close();
  });

  it("keeps an ended job for keepMs, and a newer job with the same id takes it over", async () => {
    const hub = new ProgressHub({ waitMs: 10, keepMs: 40 });
    const first = hub.open("same");
    first.finish(200);
    const second = hub.open("same");
    expect(await hub.find("same")).toBe(second);
    second.finish(503);
    expect(hub.size).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(hub.size).toBe(0);
    expect(await hub.find("same")).toBeUndefined();
    hub.close();
  });
});
