import { defineProject } from "vitest/config";

// End-to-end tests start real processes (broadcaster, orchestrators, runners), each in its own temporary folders on
// its own ports, so they run beside the other projects' files: with `fileParallelism: false` vitest ran them as a
// group of their own after every other file, on one worker (the suite's last 150 s at 0.6 busy workers; the whole
// run 803 s instead of 999 s without it). Generous timeouts for a loaded machine.
export default defineProject({
  test: {
    name: "devnet",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
