/** @module The log line of a run whose lease ran out: a store out of reach, or this process paused past its lease. */
import { describe, expect, it } from "vitest";
import { leaseExpiry, PAUSED_MS, type Running } from "./run-state.js";

const run = (renewedAt: number) => ({ renewedAt }) as Running;

describe("leaseExpiry", () => {
  it("blames the store when the lease timer fired on time", () => {
    const { msg, fields } = leaseExpiry(run(10_000), 6000, 16_020);
    expect(msg).toMatch(/^lease ran out without a renewal \(the job store could not be reached\); the job was stopped/);
    expect(fields).toEqual({ lease_ms: 6000, late_ms: 20 });
  });

  it("says the process was paused when the timer fired a second or more past the lease (SIGSTOP, a frozen VM)", () => {
    const { msg, fields } = leaseExpiry(run(10_000), 6000, 22_400);
    expect(msg).toContain("(this process was paused or blocked for about 6 s past the lease)");
    expect(msg).not.toContain("job store");
    expect(fields).toEqual({ lease_ms: 6000, late_ms: 6400 });
    expect(leaseExpiry(run(0), 6000, 6000 + PAUSED_MS - 1).msg).toContain("job store could not be reached");
  });
});
