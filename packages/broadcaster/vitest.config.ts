import { defineProject } from "vitest/config";

export default defineProject({
  // Real servers (s3rver, PostgreSQL, orchestrators, runners) on two shared cores: vitest's 5 s default timed out a
  // plain S3 round trip in CI while the runner's tests loaded the machine.
  test: { name: "broadcaster", include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000 },
});
