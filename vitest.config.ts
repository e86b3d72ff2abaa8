import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // vitest's default is one worker fewer than the cores: one on this project's 2-core machines, where most test
    // files wait on servers, child processes and sockets. Two cut the run by a third (648 → 418 s, same machine, same day).
    maxWorkers: 2,
    projects: ["specs", "runner", "packages/*", "devnet", "scripts"],
  },
});
