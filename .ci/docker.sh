#!/usr/bin/env bash
# Docker for the orchestrator's docker launcher tests: starts dockerd when none answers (as root, without
# iptables or a bridge — containers use the host network) and builds the runner test image from a locally
# assembled root filesystem (no registry is reachable). Needs the built runner (runner/dist).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker version >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "docker: no daemon running and not root; the docker launcher tests will skip"; exit 0; fi
  mkdir -p /var/log
  nohup dockerd --iptables=false --bridge=none >/var/log/avs-dockerd.log 2>&1 &
  for _ in $(seq 1 120); do docker version >/dev/null 2>&1 && break; sleep 0.25; done
  docker version >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 /var/log/avs-dockerd.log; exit 1; }
  echo "docker: started dockerd (log: /var/log/avs-dockerd.log)"
fi
bash packages/orchestrator/test/docker/build-runner-image.sh avs-runner:test
