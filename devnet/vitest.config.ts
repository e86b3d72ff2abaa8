import { defineProject } from "vitest/config";

// End-to-end tests start real processes (broadcaster, orchestrators, runners): one file at a time, generous timeouts.
export default defineProject({
  test: {
    name: "devnet",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
