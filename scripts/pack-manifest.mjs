#!/usr/bin/env node
/**
 * @module Makes a workspace package's tarball installable by npm whatever tool packs it. `catalog:` and
 * `workspace:` are pnpm protocols: `pnpm pack` replaces them, `npm pack` copies them as they are and the tarball
 * then fails to install (`EUNSUPPORTEDPROTOCOL`). Each published package runs this script as its `prepack`
 * (the manifest's dependency ranges resolved to the catalog's exact versions and the workspace packages'
 * versions, the `source` condition dropped from its `exports`, the original kept beside it) and `postpack` (the
 * original put back).
 *
 * Usage (from a package's directory): `node ../scripts/pack-manifest.mjs prepack|postpack`
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];
const BACKUP = ".package.json.prepack";

/** The exact versions of the workspace's `catalog:`. */
function workspaceCatalog() {
  return parse(readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8")).catalog ?? {};
}

/** name → version (and whether it is private) of every package of the workspace. */
function workspaceVersions() {
  const { packages } = parse(readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8"));
  const versions = new Map();
  for (const pattern of packages) {
    const dirs = pattern.endsWith("/*")
      ? readdir(join(ROOT, pattern.slice(0, -2))).map((d) => join(pattern.slice(0, -2), d))
      : [pattern];
    for (const dir of dirs) {
      const file = join(ROOT, dir, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      versions.set(pkg.name, { version: pkg.version, private: pkg.private === true });
    }
  }
  return versions;
}

function readdir(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/**
 * `exports` without its `source` conditions, at any depth. In the workspace they point TypeScript at a package's
 * `src` (tsconfig.base.json's `customConditions`); `src` is not in the tarball, so a published `source` condition
 * would send a bundler that resolves it (Vite, webpack and esbuild take custom conditions) to a missing file.
 * @example withoutSource({ ".": { source: "./src/index.ts", default: "./dist/index.js" } }) // { ".": { default: … } }
 */
export function withoutSource(exports) {
  if (typeof exports !== "object" || exports === null) return exports;
  if (Array.isArray(exports)) return exports.map(withoutSource);
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([condition]) => condition !== "source")
      .map(([key, value]) => [key, withoutSource(value)]),
  );
}

/**
 * The manifest with every `catalog:` / `workspace:` range replaced by what pnpm would publish, and its `exports`
 * {@link withoutSource}. Throws when a
 * dependency is a private workspace package (it could never be installed from the registry) or is missing from
 * the catalog.
 * @example resolveManifest({ dependencies: { "openapi-fetch": "catalog:" } }) // { dependencies: { "openapi-fetch": "0.17.0" } }
 */
export function resolveManifest(pkg, catalog = workspaceCatalog(), workspace = workspaceVersions()) {
  const out = structuredClone(pkg);
  if (out.exports !== undefined) out.exports = withoutSource(out.exports);
  for (const field of FIELDS) {
    for (const [name, range] of Object.entries(out[field] ?? {})) {
      if (range.startsWith("catalog:")) {
        const version = catalog[name];
        if (!version) throw new Error(`${pkg.name}: ${name} is "${range}" but the catalog has no ${name}`);
        out[field][name] = String(version);
      } else if (range.startsWith("workspace:")) {
        const dep = workspace.get(name);
        if (!dep) throw new Error(`${pkg.name}: ${name} is "${range}" but no workspace package has that name`);
        if (dep.private) {
          throw new Error(`${pkg.name} depends on ${name}, which is private: a published package cannot install it`);
        }
        const spec = range.slice("workspace:".length);
        out[field][name] =
          spec === "*" || spec === "" ? dep.version : spec === "^" || spec === "~" ? spec + dep.version : spec;
      }
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const phase = process.argv[2];
  const manifest = join(process.cwd(), "package.json");
  const backup = join(process.cwd(), BACKUP);
  if (phase === "prepack") {
    // A pack that failed before its postpack left the resolved manifest behind: start from the original.
    if (existsSync(backup)) renameSync(backup, manifest);
    const text = readFileSync(manifest, "utf8");
    const resolved = resolveManifest(JSON.parse(text));
    writeFileSync(backup, text);
    writeFileSync(manifest, `${JSON.stringify(resolved, null, 2)}\n`);
  } else if (phase === "postpack") {
    if (existsSync(backup)) renameSync(backup, manifest);
  } else {
    console.error("usage: pack-manifest.mjs prepack|postpack");
    process.exit(2);
  }
}
