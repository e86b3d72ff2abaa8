import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // node: built-ins stay imports (only the ./node entry and its dynamically loaded chunk use them).
  external: [/^node:/],
  removeNodeProtocol: false,
});
