/** @module `makeDirectorySync`: `mkdir -p` that fails where Node's recursive mkdir loops for ever (procfs). */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeDirectorySync } from "../src/process/directories.js";

describe("makeDirectorySync", () => {
  const root = mkdtempSync(join(tmpdir(), "avs-dirs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("makes the missing levels with the mode, and leaves an existing directory as it is", () => {
    const deep = join(root, "a", "b", "c");
    makeDirectorySync(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(deep).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, "a")).mode & 0o777).toBe(0o700);
    makeDirectorySync(deep);
    makeDirectorySync(root);
  });

  it("refuses a file on the way, or as the directory, with ENOTDIR", () => {
    const file = join(root, "photo.png");
    writeFileSync(file, "x");
    expect(() => makeDirectorySync(file)).toThrow(expect.objectContaining({ code: "ENOTDIR", path: file }));
    expect(() => makeDirectorySync(join(file, "uploads"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
  });

  it.runIf(process.platform === "linux")(
    "fails at once under procfs, where Node's recursive mkdir never returns",
    () => {
      expect(() => makeDirectorySync("/proc/self/avs-nope/uploads")).toThrow(
        expect.objectContaining({ code: "ENOENT" }),
      );
    },
  );
});
