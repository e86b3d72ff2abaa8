#!/usr/bin/env bash
# System packages the tests use (Debian): ffmpeg, Chromium and docker.io — see scripts/system-deps.mjs, which
# `npm test` also runs. Installs only what is missing; needs root, as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/system-deps.mjs
