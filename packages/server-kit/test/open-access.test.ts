/** @module The start-up warning of a server that listens beyond loopback while its routes take no token. */
import { describe, expect, it } from "vitest";
import { isLoopbackHost, type Logger, warnIfOpen } from "../src/index.js";

function lines() {
  const kept: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => kept.push({ level, msg, fields });
  const log: Logger = { info: at("info"), warn: at("warn"), error: at("error") };
  return { log, kept };
}

const RUNNER = { routes: "generate routes", setting: "AUTH_TOKEN" };

describe("warnIfOpen", () => {
  it.each(["0.0.0.0", "::", "192.168.1.20", "runner.internal"])(
    "warns for %s without a token, naming the address and the setting",
    (host) => {
      const { log, kept } = lines();
      expect(warnIfOpen(log, { ...RUNNER, host, token: "" })).toBe(true);
      expect(kept).toEqual([
        {
          level: "warn",
          msg: `generate routes need no token and ${host} is not a loopback address: anyone who can reach this server can run jobs; set AUTH_TOKEN to require one`,
          fields: { host, auth: "none", setting: "AUTH_TOKEN" },
        },
      ]);
    },
  );

  it.each(["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])("is silent on %s", (host) => {
    const { log, kept } = lines();
    expect(warnIfOpen(log, { ...RUNNER, host, token: undefined })).toBe(false);
    expect(kept).toEqual([]);
  });

  it("is silent with a token on any address", () => {
    const { log, kept } = lines();
    expect(warnIfOpen(log, { ...RUNNER, host: "0.0.0.0", token: "s3cret" })).toBe(false);
    expect(kept).toEqual([]);
  });

  it("tells loopback from the rest", () => {
    expect(["127.0.0.1", "::1", "[::1]", "localhost"].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(["0.0.0.0", "::", "10.0.0.1", "localhost.example"].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
