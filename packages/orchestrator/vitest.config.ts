import { defineProject } from "vitest/config";

export default defineProject({
  // Real runner processes, containers and ffmpeg on two shared cores: vitest's 5 s default is too short under load.
  test: { name: "orchestrator", include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000 },
});
