#!/usr/bin/env node
/**
 * @module Proves a package's tarball installs and loads the way its users will get it: `npm pack` (the tool that
 * does not know pnpm's protocols), `npm install` of the tarball into a new empty npm project, then the package
 * imported from ESM and, when it has a `require` condition, required from CommonJS — both must expose the same
 * named exports. Run from the package's directory: `node ../../scripts/check-install.mjs` (its `check:package`).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const work = mkdtempSync(join(tmpdir(), "avs-check-install-"));
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip", npm_config_audit: "false", npm_config_fund: "false" };
/** Runs a command; on failure throws its stderr, not the whole spawn record. */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw new Error(`${[cmd, ...args].join(" ").slice(0, 200)} failed:\n${err.stderr || err.message}`);
  }
}

try {
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], process.cwd()))[0];
  const tarball = join(work, packed.filename);
  const project = join(work, "app");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, version: "0.0.0" }));
  run("npm", ["install", "--no-package-lock", tarball], project);
  const esm = run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(pkg.name)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
    ],
    project,
  );
  const names = JSON.parse(esm);
  if (names.length === 0) throw new Error(`${pkg.name} imported from ESM exports nothing`);
  let line = `${pkg.name}: ${packed.filename} installs with npm; ESM exports ${names.length} names`;
  const hasRequire = JSON.stringify(pkg.exports ?? {}).includes('"require"') || pkg.main?.endsWith(".cjs");
  if (hasRequire) {
    const cjs = JSON.parse(
      run(
        process.execPath,
        ["-e", `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(pkg.name)})).sort()))`],
        project,
      ),
    );
    const missing = names.filter((n) => n !== "default" && !cjs.includes(n));
    if (missing.length > 0) throw new Error(`${pkg.name} required from CommonJS lacks ${missing.join(", ")}`);
    line += `, CommonJS the same`;
  }
  console.log(line);
} catch (err) {
  console.error(`${pkg.name}: the packed tarball does not install and load with npm\n${err.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
