/** @module The one logger: JSON lines, level filtering, the `listening` line at every level, fields bound to a job. */
import { describe, expect, it } from "vitest";
import { jsonLogger, silentLogger, withFields } from "../src/index.js";

function capture(level?: "debug" | "info" | "warn" | "error" | "silent") {
  const lines: Array<Record<string, unknown>> = [];
  const log = jsonLogger({ level, write: (l) => lines.push(JSON.parse(l)) });
  return { log, lines };
}

describe("jsonLogger", () => {
  it("writes one JSON object per line with time, level, msg and the fields", () => {
    const { log, lines } = capture();
    log.info("job done", { request_id: "r1", status: 200 });
    expect(lines).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: "info",
        msg: "job done",
        request_id: "r1",
        status: 200,
      },
    ]);
  });

  it("drops lines below its level, but never the listening line unless silent", () => {
    const warn = capture("warn");
    warn.log.debug("d");
    warn.log.info("i");
    warn.log.info("listening", { port: 1 });
    warn.log.error("e");
    expect(warn.lines.map((l) => l.msg)).toEqual(["listening", "e"]);
    const silent = capture("silent");
    silent.log.info("listening", { port: 1 });
    silent.log.error("e");
    expect(silent.lines).toEqual([]);
  });

  it("writes debug lines at level debug", () => {
    const { log, lines } = capture("debug");
    log.debug("attempt succeeded");
    expect(lines.map((l) => l.level)).toEqual(["debug"]);
  });
});

describe("withFields", () => {
  it("adds fields to every line; a line's own fields win", () => {
    const { log, lines } = capture("debug");
    const job = withFields(log, { request_id: "r9", pipeline: "upscale" });
    job.info("job done", { status: 200 });
    job.warn("retry", { pipeline: "other" });
    expect(lines).toEqual([
      expect.objectContaining({ msg: "job done", request_id: "r9", pipeline: "upscale", status: 200 }),
      expect.objectContaining({ msg: "retry", request_id: "r9", pipeline: "other" }),
    ]);
  });

  it("works over a logger without debug", () => {
    const seen: string[] = [];
    const bare = { info: (m: string) => seen.push(m), warn: () => {}, error: () => {} };
    withFields(bare, { request_id: "x" }).debug("dropped");
    withFields(bare, { request_id: "x" }).info("kept");
    expect(seen).toEqual(["kept"]);
    expect(() => silentLogger.error("nothing")).not.toThrow();
  });
});
