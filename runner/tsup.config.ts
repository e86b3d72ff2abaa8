import { defineConfig } from "tsup";

export default defineConfig({
  // worker: the inference worker thread's script, loaded by path at run time (dist/worker.js).
  // testing: the tiny model factory and test harness (`@ai-video-subnet/runner/testing`).
  // settings: the settings table alone (`@ai-video-subnet/runner/settings`), which an orchestrator checks an entry's
  // flags against without loading ONNX Runtime. model-kind: whether a model folder holds another pipeline's model
  // (`@ai-video-subnet/runner/model-kind`), which an orchestrator checks its entries with, also without it.
  entry: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    settings: "src/config.ts",
    "model-kind": "src/models/model-kind.ts",
    cli: "src/cli.ts",
    worker: "src/worker/worker-main.ts",
  },
  format: ["esm"],
  dts: {
    entry: {
      index: "src/index.ts",
      testing: "src/testing/index.ts",
      settings: "src/config.ts",
      "model-kind": "src/models/model-kind.ts",
    },
  },
  sourcemap: true,
  clean: true,
  target: "node20",
});
