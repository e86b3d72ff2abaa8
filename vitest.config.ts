import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["specs", "runner", "packages/*", "devnet", "scripts"],
  },
});
