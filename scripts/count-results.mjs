/** @module The closing line of `npm test`: passed, failed and skipped tests counted from vitest's JSON report. */

/**
 * Counts a vitest JSON report. A test file that crashed (at import, or in a `beforeAll`) is a failure, never a
 * skip: vitest reports the tests of such a file as skipped, so every test of a failed file that did not pass
 * counts as failed, and a failed file with no test results counts as one failure.
 * @example countResults(JSON.parse(readFileSync(".test-report.json", "utf8"))) // { passed: 674, failed: 0, skipped: 1 }
 */
export function countResults(report) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    const crashed = file.status === "failed";
    if (crashed && tests.every((t) => t.status !== "failed")) failed += tests.length === 0 ? 1 : 0;
    for (const t of tests) {
      if (t.status === "passed") passed += 1;
      else if (t.status === "failed" || crashed) failed += 1;
      else skipped += 1;
    }
  }
  return { passed, failed, skipped };
}
