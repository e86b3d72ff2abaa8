/** @module `deadline`: a time limit for an outgoing call that still fires after garbage collection. */

import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { deadline } from "../src/index.js";
import { gc, keptAfterYoungGc } from "./young-gc.js";

describe("deadline", () => {
  it("aborts a call to a peer that never answers when the time is up, garbage collection or not", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const parent = new AbortController();
    const limit = deadline(300, parent.signal);
    const started = performance.now();
    const call = fetch(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/info`, {
      signal: limit.signal,
    }).catch((err: Error) => err);
    setTimeout(gc, 50);
    const err = (await call) as Error;
    limit.clear();
    for (const s of sockets) s.destroy();
    silent.close();
    expect(err.name).toBe("TimeoutError");
    expect(limit.timedOut).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("aborts with the parent's reason when the parent aborts first, and not as a timeout", () => {
    const parent = new AbortController();
    const limit = deadline(10_000, parent.signal);
    parent.abort(new Error("client went away"));
    expect(limit.signal.aborted).toBe(true);
    expect((limit.signal.reason as Error).message).toBe("client went away");
    expect(limit.timedOut).toBe(false);
    limit.clear();
  });

  it("is aborted at once under an aborted parent, and clear() stops the timer", async () => {
    const done = new AbortController();
    done.abort();
    expect(deadline(10_000, done.signal).signal.aborted).toBe(true);
    const limit = deadline(50);
    limit.clear();
    await new Promise((r) => setTimeout(r, 120));
    expect(limit.signal.aborted).toBe(false);
  });

  it("lets a young-generation collection free what listened to a cleared deadline's signal", async () => {
    // Eight calls, each with 1 MiB reachable from its signal (as a request and its body are), done and dropped.
    const { made, kept } = await keptAfterYoungGc(() => {
      for (let i = 0; i < 8; i++) {
        const limit = deadline(10_000);
        const body = Buffer.allocUnsafeSlow(1024 * 1024);
        limit.signal.addEventListener("abort", () => body.length);
        expect(limit.timedOut).toBe(false);
        limit.clear();
      }
    });
    expect(made).toBeGreaterThan(7 * 1024 * 1024);
    // An object literal's `timedOut` getter, or closures over the controller stored on the deadline, kept all eight.
    expect(kept).toBeLessThan(2 * 1024 * 1024);
  });
});
