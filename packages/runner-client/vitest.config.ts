import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "runner-client", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});
