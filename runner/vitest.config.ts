import { defineProject } from "vitest/config";

export default defineProject({
  // Real worker threads, processes and ONNX sessions on a shared 2-core machine: allow for a busy CPU.
  test: {
    name: "runner",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The worker thread starts from dist/worker.js: rebuild first when src/ is newer.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    // No test session writes ONNX Runtime's telemetry files into the machine's cache (see src/onnx/telemetry.ts).
    env: { ORT_DISABLE_TELEMETRY: "1" },
    hookTimeout: 30_000,
  },
});
