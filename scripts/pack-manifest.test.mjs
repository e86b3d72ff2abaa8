/** @module Pack-time manifests: pnpm's `catalog:` and `workspace:` ranges become versions npm can install. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveManifest } from "./pack-manifest.mjs";

const catalog = { "openapi-fetch": "0.17.0", hono: "4.13.19" };
const workspace = new Map([
  ["@ai-video-subnet/runner", { version: "0.3.1", private: false }],
  ["@ai-video-subnet/specs", { version: "0.1.0", private: true }],
]);

describe("resolveManifest", () => {
  it("replaces catalog: with the catalog's exact version and workspace: with the package's version", () => {
    const pkg = {
      name: "x",
      dependencies: { "openapi-fetch": "catalog:", "@ai-video-subnet/runner": "workspace:*", left: "^1.2.3" },
      peerDependencies: { hono: "catalog:", "@ai-video-subnet/runner": "workspace:^" },
      devDependencies: { vitest: "catalog:" },
    };
    const out = resolveManifest(pkg, catalog, workspace);
    expect(out.dependencies).toEqual({ "openapi-fetch": "0.17.0", "@ai-video-subnet/runner": "0.3.1", left: "^1.2.3" });
    expect(out.peerDependencies).toEqual({ hono: "4.13.19", "@ai-video-subnet/runner": "^0.3.1" });
    // Dev dependencies are not installed by users; npm ignores them in a tarball.
    expect(out.devDependencies).toEqual({ vitest: "catalog:" });
    expect(pkg.dependencies["openapi-fetch"]).toBe("catalog:");
  });

  it("refuses a dependency on a private workspace package, and a catalog entry that does not exist", () => {
    expect(() =>
      resolveManifest({ name: "x", dependencies: { "@ai-video-subnet/specs": "workspace:*" } }, catalog, workspace),
    ).toThrow("x depends on @ai-video-subnet/specs, which is private");
    expect(() => resolveManifest({ name: "x", dependencies: { sharp: "catalog:" } }, catalog, workspace)).toThrow(
      'x: sharp is "catalog:" but the catalog has no sharp',
    );
  });
});

describe("npm pack of a published package", () => {
  it("writes resolved versions into the tarball and leaves the package.json in the tree untouched", () => {
    const dir = join(import.meta.dirname, "..", "packages", "runner-client");
    const before = readFileSync(join(dir, "package.json"), "utf8");
    const out = mkdtempSync(join(tmpdir(), "avs-pack-"));
    try {
      const [packed] = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" }),
      );
      const manifest = JSON.parse(
        execFileSync("tar", ["-xOzf", join(out, packed.filename), "package/package.json"], { encoding: "utf8" }),
      );
      expect(manifest.dependencies["openapi-fetch"]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
