import { describe, expect, it } from "vitest";
import { PIPELINES } from "./index.js";
import { WORKER_HALVES, workerHalf } from "./worker-halves.js";

describe("the worker halves", () => {
  it("are the ones the definitions name, one per pipeline", () => {
    expect(Object.keys(WORKER_HALVES).sort()).toEqual(Object.keys(PIPELINES).sort());
    for (const [name, p] of Object.entries(PIPELINES)) expect(p.worker, name).toBe(workerHalf(name));
  });

  it("name the pipelines that exist for one that does not", () => {
    expect(() => workerHalf("toString")).toThrow(/unknown PIPELINE "toString"; this runner serves upscale, /);
  });
});
