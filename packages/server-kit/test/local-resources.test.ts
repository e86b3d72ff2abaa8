import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { errorHandler, shortOfResources } from "../src/http/errors.js";
import { localResourceCode } from "../src/process/local-resources.js";

describe("localResourceCode", () => {
  it("finds a local-resource code on the error or a cause, and nothing else", () => {
    expect(localResourceCode(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }))).toBe("ENOSPC");
    expect(localResourceCode(new TypeError("fetch failed", { cause: { code: "EMFILE" } }))).toBe("EMFILE");
    expect(localResourceCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(localResourceCode("ENOSPC")).toBeUndefined();
    // better-sqlite3's SqliteError for a write on a full disk; its I/O errors say nothing of why.
    expect(localResourceCode(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }))).toBe(
      "SQLITE_FULL",
    );
    expect(localResourceCode(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_WRITE" }))).toBe(
      undefined,
    );
  });

  it("is answered 503 with Retry-After, the cause kept for the log", () => {
    const cause = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const err = shortOfResources("to keep the upload", cause);
    expect([err.status, err.headers, err.cause]).toEqual([503, { "Retry-After": "5" }, cause]);
    expect(err.message).toBe(
      "this server is short of local resources (files, disk or memory) to keep the upload right now; retry later",
    );
  });
});

describe("errorHandler and a local-resource failure", () => {
  it("answers 503 with Retry-After, not 500, and logs the code for the operator", async () => {
    const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
    const log = {
      info: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: "info", msg, fields }),
      warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: "warn", msg, fields }),
      error: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: "error", msg, fields }),
    };
    const full = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const app = new Hono();
    app.onError(errorHandler(log));
    app.post("/scratch", () => {
      throw full();
    });
    app.post("/spool", () => {
      throw shortOfResources("to keep the upload", full());
    });
    const scratch = await app.request("/scratch", { method: "POST" });
    expect([scratch.status, scratch.headers.get("retry-after"), await scratch.json()]).toEqual([
      503,
      "5",
      {
        detail: {
          msg: "this server is short of local resources (files, disk or memory) to serve the request right now; retry later",
        },
      },
    ]);
    expect((await app.request("/spool", { method: "POST" })).status).toBe(503);
    expect(lines.map((l) => [l.level, l.msg, l.fields?.path, l.fields?.code])).toEqual([
      ["warn", "short of local resources", "/scratch", "ENOSPC"],
      ["warn", "short of local resources", "/spool", "ENOSPC"],
    ]);
  });
});
