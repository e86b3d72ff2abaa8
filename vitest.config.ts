import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // vitest's default is one worker fewer than the cores: one on this project's 2-core machines. Two cut the run by a
    // third (648 → 418 s, same machine, same day), when most files waited on servers and child processes. The suite
    // has since grown CPU-bound (1,264 s of CPU in an 803 s run with the devnet's files beside the others): three
    // workers were slower.
    maxWorkers: 2,
    projects: ["specs", "runner", "packages/*", "devnet", "scripts"],
  },
});
