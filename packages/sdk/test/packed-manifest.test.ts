/**
 * @module The manifest the SDK's tarball is published with (the root's scripts/pack-manifest.mjs rewrites it at
 * `prepack`): every path its `exports` name must be in the tarball (`files`), so that no condition — the workspace's
 * `source`, which points at `src/` — sends a bundler to a file that is not there.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script of the root, without types
import { resolveManifest } from "../../../scripts/pack-manifest.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every `[condition path, target]` of `exports`, at any depth. */
function targets(exports: unknown, at = ""): Array<[string, string]> {
  if (typeof exports === "string") return [[at, exports]];
  return Object.entries(exports as object).flatMap(([key, value]) => targets(value, `${at}/${key}`));
}

describe("the packed manifest", () => {
  it("exports only files the tarball holds: no source condition pointing at src/", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    // The workspace keeps it: TypeScript resolves the package to its sources with it (customConditions).
    expect(targets(pkg.exports)).toContainEqual(["/./source", "./src/index.ts"]);
    const packed = resolveManifest(pkg);
    const outside = targets(packed.exports).filter(
      ([, path]) => path !== "./package.json" && !pkg.files.some((dir: string) => path.startsWith(`./${dir}/`)),
    );
    expect(outside).toEqual([]);
    expect(targets(packed.exports).map(([at]) => at)).toEqual([
      "/./import/types",
      "/./import/default",
      "/./require/types",
      "/./require/default",
      "/./package.json",
    ]);
  });
});
