/**
 * @module The load gate across two real threads: a stop waits for a load that holds it, and a load cannot begin
 * once a stop has closed it.
 */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { closeLoadGate, createLoadGate, holdLoadGate, releaseLoadGate } from "./load-gate.js";

/** A thread that holds `gate` for `ms` (blocked, as in a native call), then lets it go and says whether it held it. */
function loadingThread(gate: Int32Array, ms: number): Promise<boolean> {
  const source = `
    const { workerData, parentPort } = require("node:worker_threads");
    const { gate, ms } = workerData;
    const held = Atomics.compareExchange(gate, 0, 0, 1) === 0;
    parentPort.postMessage("started");
    if (held) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); Atomics.compareExchange(gate, 0, 1, 0); }
    parentPort.postMessage(held);`;
  const worker = new Worker(source, { eval: true, workerData: { gate, ms } });
  return new Promise((resolve, reject) => {
    worker.on("message", (m) => (m === "started" ? undefined : resolve(m as boolean)));
    worker.on("error", reject);
  });
}

describe("the load gate", () => {
  it("closes at once when no load holds it, and no load begins after", async () => {
    const gate = createLoadGate();
    expect(await closeLoadGate(gate, 0)).toBe(true);
    expect(holdLoadGate(gate)).toBe(false);
    expect(await loadingThread(gate, 10)).toBe(false);
  });

  it("waits for a load that holds it to let go, then closes", async () => {
    const gate = createLoadGate();
    const loading = loadingThread(gate, 400);
    while (Atomics.load(gate, 0) !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    expect(await closeLoadGate(gate, 5000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(250);
    expect(await loading).toBe(true);
    expect(holdLoadGate(gate)).toBe(false);
  });

  it("made held, stays shut to a stop until the worker lets it go once started", async () => {
    const gate = createLoadGate({ held: true });
    expect(await closeLoadGate(gate, 30)).toBe(false);
    releaseLoadGate(gate);
    expect(await closeLoadGate(gate, 30)).toBe(true);
  });

  it("gives up after its wait while a load still holds it, and closes once a later call finds it free", async () => {
    const gate = createLoadGate();
    expect(holdLoadGate(gate)).toBe(true);
    expect(await closeLoadGate(gate, 50)).toBe(false);
    releaseLoadGate(gate);
    expect(await closeLoadGate(gate, 0)).toBe(true);
    releaseLoadGate(gate);
    expect(holdLoadGate(gate)).toBe(false);
  });
});
