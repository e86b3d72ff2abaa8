import { defineConfig } from "tsup";

export default defineConfig({
  // worker: the inference worker thread's script, loaded by path at run time (dist/worker.js).
  entry: { index: "src/index.ts", cli: "src/cli.ts", worker: "src/worker/worker-main.ts" },
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  target: "node20",
  esbuildOptions(options) {
    // `@ai-video-subnet/specs` is build-time only; the runtime names some files still import from it are the server
    // kit's, re-exported, so the bundle takes them from the kit (a dependency) and carries nothing of specs.
    options.alias = { ...options.alias, "@ai-video-subnet/specs": "@ai-video-subnet/server-kit" };
  },
});
