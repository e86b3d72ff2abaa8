/**
 * @module The hint printed for missing system packages runs as written: every apt-get step as root, Homebrew on
 * macOS.
 */
import { describe, expect, it } from "vitest";
import { installHint, NEEDS } from "./system-deps.mjs";

describe("installHint", () => {
  it("runs the update and the install under one sudo for a user who is not root", () => {
    expect(installHint([NEEDS.ffmpeg], { platform: "linux", root: false, apt: true })).toBe(
      "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends ffmpeg'",
    );
  });

  it("needs no sudo for root, and says where the apt-get command applies on other Linux machines", () => {
    expect(installHint([NEEDS.ffmpeg, NEEDS.docker], { platform: "linux", root: true, apt: true })).toBe(
      "apt-get update && apt-get install -y --no-install-recommends ffmpeg docker.io",
    );
    expect(installHint([NEEDS.ffmpeg], { platform: "linux", root: true, apt: false })).toMatch(
      /^apt-get update && .* ffmpeg {3}# on Debian\/Ubuntu; elsewhere, /,
    );
  });

  it("gives Homebrew's commands on macOS", () => {
    expect(installHint([NEEDS.ffmpeg], { platform: "darwin", root: false })).toBe("brew install ffmpeg");
    expect(installHint([NEEDS.ffmpeg, NEEDS.chromium, NEEDS.docker], { platform: "darwin" })).toBe(
      "brew install ffmpeg\n  brew install --cask chromium\n  install dockerd (the orchestrator's docker launcher tests) by hand",
    );
  });
});
