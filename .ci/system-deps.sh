#!/usr/bin/env bash
# System packages the tests use (Debian): ffmpeg for video, Chromium for browser tests, docker.io for the
# orchestrator's docker launcher tests.
# Installs only what is missing; needs root, as CI has.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium)
command -v dockerd >/dev/null || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing system packages: ${need[*]} (install them, or run as root)"; exit 1; fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
