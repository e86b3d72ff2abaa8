import { defineConfig } from "tsup";

export default defineConfig({
  // worker: the inference worker thread's script, loaded by path at run time (dist/worker.js).
  entry: { index: "src/index.ts", cli: "src/cli.ts", worker: "src/worker/worker-main.ts" },
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  target: "node20",
});
