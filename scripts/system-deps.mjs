#!/usr/bin/env node
/**
 * @module The system packages the tests and the demo need beside Node and npm: ffmpeg (video encoding and decoding),
 * Chromium (the browser tests) and dockerd (the docker launcher tests). `npm test` and `npm run demo` call
 * {@link ensureSystemDeps} first: what is missing is installed with apt-get when this is a Debian/Ubuntu machine and
 * we are root, else the command to run is printed (see {@link installHint}) and the script fails — nothing is
 * silently skipped.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Each need: the commands that must be on PATH, and the Debian package (and Homebrew formula) that provides them. */
export const NEEDS = {
  ffmpeg: { commands: ["ffmpeg", "ffprobe"], pkg: "ffmpeg", brew: "ffmpeg", why: "video encoding and decoding" },
  chromium: {
    commands: ["chromium"],
    pkg: "chromium",
    brew: "--cask chromium",
    why: "the SDK's and the gateway docs page's browser tests",
  },
  docker: { commands: ["dockerd", "docker"], pkg: "docker.io", why: "the orchestrator's docker launcher tests" },
};

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/**
 * The Debian packages of `needs` whose commands are missing.
 * @example missingPackages(["ffmpeg"]) // [] when ffmpeg and ffprobe are on PATH
 */
export function missingPackages(needs = Object.keys(NEEDS)) {
  return needs.map((n) => NEEDS[n]).filter((n) => !n.commands.every(has));
}

/**
 * What to run to install `missing` (entries of {@link NEEDS}), for a user who cannot let us install them: on macOS
 * Homebrew's commands, else apt-get's as one command — under `sudo sh -c '…'` when not root, so that both the update
 * and the install run as root — and, where this is not a Debian/Ubuntu machine, the Debian names to look for.
 * @example installHint([NEEDS.ffmpeg], { platform: "linux", root: false, apt: true })
 * // "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends ffmpeg'"
 */
export function installHint(
  missing,
  { platform = process.platform, root = process.getuid?.() === 0, apt = true } = {},
) {
  if (platform === "darwin") {
    const brew = missing.filter((m) => m.brew).map((m) => `brew install ${m.brew}`);
    const other = missing.filter((m) => !m.brew).map((m) => `install ${m.commands[0]} (${m.why}) by hand`);
    return [...brew, ...other].join("\n  ");
  }
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.map((m) => m.pkg).join(" ")}`;
  const asRoot = root ? command : `sudo sh -c '${command}'`;
  return apt ? asRoot : `${asRoot}   # on Debian/Ubuntu; elsewhere, your package manager's equivalent`;
}

/**
 * Installs what `needs` lack, or exits 1 naming the command that would install them.
 * @example ensureSystemDeps(["ffmpeg"]) // the demo needs only ffmpeg
 */
export function ensureSystemDeps(needs = Object.keys(NEEDS)) {
  const missing = missingPackages(needs);
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => m.pkg);
  const list = missing.map((m) => `  ${m.pkg} (${m.why})`).join("\n");
  const apt = existsSync("/usr/bin/apt-get");
  if (process.getuid?.() !== 0 || !apt) {
    console.error(
      `missing system packages:\n${list}\ninstall them and run again, e.g.:\n  ${installHint(missing, { apt })}`,
    );
    process.exit(1);
  }
  console.log(`> installing system packages: ${pkgs.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "--no-install-recommends", ...pkgs],
  ]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) {
      console.error(`apt-get ${args[0]} failed (exit ${r.status}); install by hand:\n  ${installHint(missing)}`);
      process.exit(1);
    }
  }
  const still = missingPackages(needs);
  if (still.length > 0) {
    console.error(`still missing after apt-get: ${still.map((m) => m.commands.join("/")).join(", ")}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureSystemDeps(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined);
}
