/**
 * @module Where the project's binaries are: the bin shims of the installed workspace packages, run by this Node.
 * Each shim loads its package's `dist/`, so the packages must be built (`npm run demo` and `npm test` build first).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The packages whose binaries the devnet runs. */
export const BINARIES = {
  runner: { pkg: "@ai-video-subnet/runner", bin: "avs-runner.mjs" },
  orchestrator: { pkg: "@ai-video-subnet/orchestrator", bin: "avs-orchestrator.mjs" },
  broadcaster: { pkg: "@ai-video-subnet/broadcaster", bin: "avs-broadcaster.mjs" },
} as const;

/**
 * The command that runs one of the project's binaries, checking that its package was built.
 * @example binaryCommand("orchestrator") // ["/usr/bin/node", ".../packages/orchestrator/bin/avs-orchestrator.mjs"]
 */
export function binaryCommand(name: keyof typeof BINARIES): string[] {
  const { pkg, bin } = BINARIES[name];
  // The package entry is dist/index.js (or src/index.ts under the `source` condition); bin/ is its sibling's sibling.
  const root = join(dirname(require.resolve(pkg)), "..");
  const shim = join(root, "bin", bin);
  if (!existsSync(join(root, "dist", "cli.js"))) {
    throw new Error(`${pkg} is not built (no ${join(root, "dist", "cli.js")}); run \`pnpm turbo run build\` first`);
  }
  return [process.execPath, shim];
}

/**
 * The root directory of an installed package, resolved from the runner (which depends on the model packages).
 * @example packageRoot("@upscalerjs/esrgan-slim") // ".../node_modules/@upscalerjs/esrgan-slim"
 */
export function packageRoot(name: string): string {
  const fromRunner = createRequire(require.resolve(BINARIES.runner.pkg));
  let dir = dirname(fromRunner.resolve(name));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (require(pkg) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package directory of ${name}`);
}
