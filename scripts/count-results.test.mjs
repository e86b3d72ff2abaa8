/**
 * @module `npm test`'s closing line on real vitest reports: a run of a small project (in a temp dir) with a passing
 * test, a skipped one, a suite whose `beforeAll` throws (as a browser suite does without Chromium) and a file that
 * fails at import.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countResults } from "./count-results.mjs";

const vitestBin = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");
const dirs = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs vitest on `files` in a temp project and returns its JSON report. */
function report(files) {
  const dir = mkdtempSync(join(tmpdir(), "avs-count-"));
  dirs.push(dir);
  writeFileSync(join(dir, "vitest.config.mjs"), "export default {};\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out = join(dir, "report.json");
  spawnSync(process.execPath, [vitestBin, "run", "--root", dir, "--reporter=json", `--outputFile.json=${out}`], {
    cwd: dir,
    stdio: "ignore",
  });
  return JSON.parse(readFileSync(out, "utf8"));
}

const ok = `import { it, expect } from "vitest";
it("adds", () => expect(1 + 1).toBe(2));
it.skip("not yet", () => {});
`;

describe("countResults", () => {
  it("counts passed and skipped tests of a healthy run", () => {
    expect(countResults(report({ "ok.test.mjs": ok }))).toEqual({ passed: 1, failed: 0, skipped: 1 });
  });

  it("counts the tests of a suite whose beforeAll threw as failed, not skipped", () => {
    const crashed = `import { beforeAll, describe, it } from "vitest";
describe("browser", () => {
  beforeAll(() => { throw new Error("Chromium is not installed"); });
  it("one", () => {});
  it("two", () => {});
});
`;
    expect(countResults(report({ "ok.test.mjs": ok, "crash.test.mjs": crashed }))).toEqual({
      passed: 1,
      failed: 2,
      skipped: 1,
    });
  });

  it("counts a file that fails at import as one failure", () => {
    const broken = `import "./missing-module.mjs";\nimport { it } from "vitest";\nit("never runs", () => {});\n`;
    expect(countResults(report({ "broken.test.mjs": broken }))).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });
});
