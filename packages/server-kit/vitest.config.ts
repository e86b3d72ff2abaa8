import { defineProject } from "vitest/config";

export default defineProject({
  // Real sockets and CPU-bound property checks (a 300-body parser comparison takes 3 s alone) on two shared cores.
  test: { name: "server-kit", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
