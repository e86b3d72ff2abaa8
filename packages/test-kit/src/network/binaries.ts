/**
 * @module Where the project's binaries are: the bin shims of the workspace's runner, orchestrator and broadcaster,
 * run by this Node. This kit lives inside the workspace and is never published, so it finds them by the
 * workspace's layout rather than by depending on the packages it starts (whose own tests use this kit). Each shim
 * loads its package's `dist/`, so the packages must be built (`npm run demo` and `npm test` build first).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The packages whose binaries a network runs, by their folder in the workspace. */
export const BINARIES = {
  runner: { dir: "runner", bin: "avs-runner.mjs" },
  orchestrator: { dir: "packages/orchestrator", bin: "avs-orchestrator.mjs" },
  broadcaster: { dir: "packages/broadcaster", bin: "avs-broadcaster.mjs" },
} as const;

/**
 * The root of the workspace this kit is in (the folder with `pnpm-workspace.yaml`).
 * @example workspaceRoot() // "/work/ai-video-subnet"
 */
export function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("the test kit is not inside the AI Video Subnet workspace");
    dir = up;
  }
  return dir;
}

/**
 * The command that runs one of the project's binaries, checking that its package was built.
 * @example binaryCommand("orchestrator") // ["/usr/bin/node", ".../packages/orchestrator/bin/avs-orchestrator.mjs"]
 */
export function binaryCommand(name: keyof typeof BINARIES): string[] {
  const root = join(workspaceRoot(), BINARIES[name].dir);
  if (!existsSync(join(root, "dist", "cli.js"))) {
    throw new Error(
      `${BINARIES[name].dir} is not built (no ${join(root, "dist", "cli.js")}); run \`pnpm turbo run build\` first`,
    );
  }
  return [process.execPath, join(root, "bin", BINARIES[name].bin)];
}
