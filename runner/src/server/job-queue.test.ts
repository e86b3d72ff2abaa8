/**
 * @module The job queue: one at a time in order, bounded, drops abandoned jobs, refuses work while shutting down,
 * and counts a place reserved before a request's body arrives as taken until its job is submitted or it is released.
 */
import { HttpError } from "@ai-video-subnet/server-kit";
import { describe, expect, it } from "vitest";
import { JobDroppedError, JobQueue } from "./job-queue.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe("JobQueue", () => {
  it("runs jobs one at a time, in order", async () => {
    const queue = new JobQueue(5);
    const order: string[] = [];
    const g = gate();
    const a = queue.submit(async () => {
      order.push("a start");
      await g.opened;
      order.push("a end");
    });
    const b = queue.submit(async () => void order.push("b"));
    expect(queue.depth).toBe(2);
    g.open();
    await Promise.all([a, b]);
    expect(order).toEqual(["a start", "a end", "b"]);
    expect(queue.depth).toBe(0);
  });

  it("refuses a job beyond its size with 503 and a Retry-After", async () => {
    const queue = new JobQueue(1);
    const g = gate();
    const running = queue.submit(() => g.opened);
    const waiting = queue.submit(async () => 1);
    let refused: unknown;
    try {
      await queue.submit(async () => 2);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(503);
    expect((refused as HttpError).message).toBe("the queue is full (1 waiting, 1 running)");
    expect(Number((refused as HttpError).headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    g.open();
    await running;
    expect(await waiting).toBe(1);
  });

  it("drops a waiting job whose client went away at once, without running it, and gives its place to the next", async () => {
    const queue = new JobQueue(1);
    let dropped = 0;
    queue.onDropped = () => dropped++;
    const g = gate();
    const running = queue.submit(() => g.opened);
    const abort = new AbortController();
    let ran = false;
    const abandoned = queue.submit(
      async () => {
        ran = true;
      },
      { signal: abort.signal },
    );
    expect(queue.depth).toBe(2);
    abort.abort();
    // Dropped now, not when the running job ends: the queue has room again.
    await expect(abandoned).rejects.toBeInstanceOf(JobDroppedError);
    expect([queue.depth, dropped]).toEqual([1, 1]);
    const next = queue.submit(async () => "next");
    g.open();
    await running;
    expect(await next).toBe("next");
    expect(ran).toBe(false);
    await new Promise((r) => setImmediate(r)); // the slot is let go just after the job's promise settles
    expect(queue.depth).toBe(0);
  });

  it("counts reserved places as taken, hands one to its job, and frees one released without a job", async () => {
    const queue = new JobQueue(1);
    const first = queue.reserve();
    const second = queue.reserve();
    expect(() => queue.reserve()).toThrow("the queue is full (0 waiting, 0 running, 2 being received)");
    expect(() => queue.submit(async () => 0)).toThrow(HttpError);
    // The reserved places go to their jobs, never refused, and stay taken.
    const g = gate();
    const running = queue.submit(() => g.opened, { place: first });
    const waiting = queue.submit(async () => 2, { place: second });
    first.release();
    expect(queue.depth).toBe(2);
    expect(() => queue.reserve()).toThrow("the queue is full (1 waiting, 1 running)");
    g.open();
    await running;
    expect(await waiting).toBe(2);
    await new Promise((r) => setImmediate(r)); // the slot is let go just after the job's promise settles
    // A request that ends without a job (a bad upload, a client gone) gives its place back.
    const unused = queue.reserve();
    const other = queue.reserve();
    unused.release();
    unused.release();
    const third = queue.reserve();
    expect(() => queue.reserve()).toThrow(/being received/);
    other.release();
    third.release();
    expect(queue.refusal()).toBeUndefined();
  });

  it("refuses a reserved place's job once closed", async () => {
    const queue = new JobQueue(1);
    const place = queue.reserve();
    await queue.close();
    expect(() => queue.submit(async () => 1, { place })).toThrow("the runner is shutting down");
  });

  it("on close, rejects waiting jobs, lets the running one finish, and refuses new ones", async () => {
    const queue = new JobQueue(3);
    const g = gate();
    const running = queue.submit(async () => {
      await g.opened;
      return "done";
    });
    const waiting = queue.submit(async () => "never");
    const closed = queue.close();
    await expect(waiting).rejects.toMatchObject({ status: 503, message: "the runner is shutting down" });
    expect(() => queue.submit(async () => 1)).toThrow("the runner is shutting down");
    g.open();
    expect(await running).toBe("done");
    await closed;
    expect(queue.depth).toBe(0);
  });
});
