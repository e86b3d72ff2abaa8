import { describe, expect, it } from "vitest";
import { isLocalFailure, retryOwnFailures } from "./own-failures.js";

const enospc = () => Object.assign(new Error("no space left on device"), { code: "ENOSPC" });

describe("retryOwnFailures", () => {
  const own = isLocalFailure;

  it("tries an own failure again after 0.5 s, then 1 s, and returns the step's value", async () => {
    const at: number[] = [];
    const t0 = Date.now();
    const value = await retryOwnFailures(
      async () => {
        at.push(Date.now() - t0);
        if (at.length < 3) throw enospc();
        return "stored";
      },
      10_000,
      AbortSignal.timeout(10_000),
      own,
    );
    expect(value).toBe("stored");
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(490);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(990);
  });

  it("throws another failure at once, and an own one once the next wait would pass retryMs", async () => {
    let calls = 0;
    const refused = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
    const step = async () => {
      calls++;
      throw refused;
    };
    await expect(retryOwnFailures(step, 10_000, AbortSignal.timeout(10_000), own)).rejects.toBe(refused);
    expect(calls).toBe(1);
    calls = 0;
    const full = enospc();
    const spent = retryOwnFailures(
      async () => {
        calls++;
        throw full;
      },
      1200,
      AbortSignal.timeout(10_000),
      own,
    );
    await expect(spent).rejects.toBe(full);
    // 0.5 s fits in 1.2 s; the next wait (1 s) would not.
    expect(calls).toBe(2);
  });

  it("ends its wait when the signal aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    const done = retryOwnFailures(
      async () => {
        calls++;
        controller.abort();
        throw enospc();
      },
      60_000,
      controller.signal,
      own,
    );
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toBe(1);
  });
});
