#!/usr/bin/env node
/**
 * @module Installs the workspace on a machine that has only Node 20 and npm: finds pnpm (or runs the pinned
 * version through npx), and installs with the lockfile. `npm test` and `npm run demo` call it first.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM_VERSION = "10.34.9";

/** Environment for every install and build: onnxruntime-node must not download CUDA libraries at install. */
export const ENV = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: "skip",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

let cached;
/** The command that runs the pinned pnpm: `pnpm` when it is installed at that version, else `npx pnpm@…`. */
export function pnpmCommand() {
  if (cached) return cached;
  try {
    const v = execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (v === PNPM_VERSION) cached = ["pnpm"];
  } catch {}
  cached ??= ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
  return cached;
}

/** Runs pnpm with `args` in the repository root; exits with its status when it fails. */
export function pnpm(args, options = {}) {
  const [cmd, ...pre] = pnpmCommand();
  const r = spawnSync(cmd, [...pre, ...args], { cwd: ROOT, env: ENV, stdio: "inherit", ...options });
  if (r.status !== 0 && !options.allowFailure) {
    console.error(`pnpm ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  return r;
}

/** Installs the workspace exactly as the lockfile says (fast when it already is). */
export function install() {
  console.log(`> installing the workspace (pnpm ${PNPM_VERSION}, lockfile frozen)`);
  pnpm(["install", "--frozen-lockfile", "--reporter=append-only"]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) install();
