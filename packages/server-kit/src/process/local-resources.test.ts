import { describe, expect, it } from "vitest";
import { localResourceCode, shortOfResources } from "./local-resources.js";

describe("localResourceCode", () => {
  it("finds a local-resource code on the error or a cause, and nothing else", () => {
    expect(localResourceCode(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }))).toBe("ENOSPC");
    expect(localResourceCode(new TypeError("fetch failed", { cause: { code: "EMFILE" } }))).toBe("EMFILE");
    expect(localResourceCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(localResourceCode("ENOSPC")).toBeUndefined();
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
