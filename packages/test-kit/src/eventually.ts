/** @module Waiting for something to become true in a test, with a message that says what did not happen. */

/**
 * Polls `check` every 100 ms until it returns a value other than undefined/false (which it resolves with), or
 * throws after `ms`, with the last error `check` threw.
 * @example const line = await eventually(() => lines.find((l) => l.msg === "runner ready"), 30_000, "runner ready");
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 20_000,
  what = "condition",
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as Exclude<T, undefined | false>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
