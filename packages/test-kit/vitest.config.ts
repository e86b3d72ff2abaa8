import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source"] },
  test: { name: "test-kit", include: ["test/**/*.test.ts"] },
});
