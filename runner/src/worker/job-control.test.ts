/** @module The shared abort flag: set on one thread, seen on another without a message; progress goes to its sink. */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { JobAbortedError } from "../errors.js";
import {
  abortJob,
  createAbortFlag,
  FlagJobControl,
  NO_JOB_CONTROL,
  setWatched,
  worthReporting,
} from "./job-control.js";

describe("job control", () => {
  it("reports progress to its sink and throws JobAbortedError once the flag is set", () => {
    const flag = createAbortFlag();
    const seen: string[] = [];
    const control = new FlagJobControl(flag, (p) => seen.push(`${p.stage} ${p.step}/${p.total}`));
    control.progress({ stage: "denoise", step: 1, total: 2 });
    expect(control.aborted).toBe(false);
    control.throwIfAborted();
    abortJob(flag);
    expect(control.aborted).toBe(true);
    expect(() => control.throwIfAborted()).toThrow(JobAbortedError);
    expect(seen).toEqual(["denoise 1/2"]);
    expect(NO_JOB_CONTROL.aborted).toBe(false);
  });

  it("reports a step nobody watches only when it ends its stage", () => {
    const flag = createAbortFlag();
    const step = (n: number) => ({ stage: "denoise", step: n, total: 4 });
    expect([1, 2, 3, 4].map((n) => worthReporting(flag, step(n)))).toEqual([false, false, false, true]);
    setWatched(flag, true);
    expect([1, 2, 3, 4].map((n) => worthReporting(flag, step(n)))).toEqual([true, true, true, true]);
    setWatched(flag, false);
    expect(worthReporting(flag, step(2))).toBe(false);
  });

  it("is seen by a thread that never yields to its event loop", async () => {
    const flag = createAbortFlag();
    // The worker spins synchronously (as a worker inside session.run calls does) until the flag is set.
    const worker = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const flag = new Int32Array(workerData);
       parentPort.postMessage("spinning");
       let spins = 0;
       while (Atomics.load(flag, 0) === 0) spins++;
       parentPort.postMessage(spins > 0 ? "stopped" : "never spun");`,
      { eval: true, workerData: flag.buffer },
    );
    const messages: string[] = [];
    const done = new Promise<void>((resolve) =>
      worker.on("message", (m: string) => {
        messages.push(m);
        if (m === "spinning") setTimeout(() => abortJob(flag), 20);
        else resolve();
      }),
    );
    await done;
    await worker.terminate();
    expect(messages).toEqual(["spinning", "stopped"]);
  });
});
