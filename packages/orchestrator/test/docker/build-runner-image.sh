#!/usr/bin/env bash
# Builds a runner image for the docker launcher tests with no registry: a root filesystem assembled from this
# machine's node, ffmpeg and ffprobe binaries (Debian 12's ffmpeg 5.1 with libx264, what the video pipelines need)
# and the shared libraries they and the runner's native modules load, plus the built runner with its production
# node_modules (pnpm deploy, trimmed of what serving never loads), then `docker import`.
# Cached: the image carries a hash of its inputs as a label and is rebuilt only when they change. The three binaries
# are hashed, their libraries are not (~250 MB): an update of ffmpeg's own libraries comes with rebuilt ffmpeg and
# ffprobe binaries (one Debian source package, the version is in the binary), an update of another library does not.
# Usage: build-runner-image.sh [tag]   (needs runner/dist: pnpm turbo run build --filter=@ai-video-subnet/runner...)
set -euo pipefail
TAG="${1:-avs-runner:test}"
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"
SELF="$ROOT/packages/orchestrator/test/docker/build-runner-image.sh"
[ -f "$ROOT/runner/dist/cli.js" ] || { echo "runner/dist is missing: build the runner first" >&2; exit 1; }
BINS=()
for name in node ffmpeg ffprobe; do
  BINS+=("$(command -v "$name")") || { echo "$name is not on the PATH (ffmpeg, ffprobe: apt-get install ffmpeg)" >&2; exit 1; }
done

HASH="$( (cat "$SELF" "$ROOT/pnpm-lock.yaml" "${BINS[@]}"; find "$ROOT/runner/dist" "$ROOT/specs/dist" -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{ index .Config.Labels "avs.inputs" }}' "$TAG" 2>/dev/null || true)" = "$HASH" ]; then
  echo "image $TAG is current ($HASH)"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FS="$WORK/rootfs"
mkdir -p "$FS/app" "$FS/usr/bin" "$FS/tmp" "$FS/models" "$FS/etc"
chmod 1777 "$FS/tmp"

PNPM=(pnpm)
command -v pnpm >/dev/null || PNPM=(npx --yes pnpm@10.34.9)
(cd "$ROOT" && flock /tmp/avs-pnpm.lock env ONNXRUNTIME_NODE_INSTALL=skip "${PNPM[@]}" --filter @ai-video-subnet/runner \
  deploy --prod --legacy "$WORK/app" >/dev/null)
# Serving never loads the weight converters' dependencies, TypeScript, or other platforms' ONNX Runtime builds.
rm -rf "$WORK/app/node_modules/.pnpm/"{@tensorflow+*,@upscalerjs+*,typescript@*,core-js@*}
find "$WORK/app/node_modules/.pnpm" -path '*onnxruntime-node/bin/napi-v*/*' -mindepth 1 -maxdepth 12 -type d \
  \( -name darwin -o -name win32 -o -name arm64 \) -prune -exec rm -rf {} +
cp -a "$WORK/app/." "$FS/app/"

for bin in "${BINS[@]}"; do cp "$bin" "$FS/usr/bin/$(basename "$bin")"; done
# Every shared library node, ffmpeg, ffprobe and the native modules need, at the same path as on this machine.
{
  for bin in "${BINS[@]}"; do ldd "$bin"; done
  find "$FS/app" \( -name '*.node' -o -name '*.so*' \) -type f -exec ldd {} \; 2>/dev/null
} | grep -oE '/[^ ]+\.so[^ ]*' | sort -u | while read -r lib; do
  case "$lib" in "$FS"*) continue ;; esac
  [ -e "$lib" ] || continue
  mkdir -p "$FS$(dirname "$lib")"
  cp -L "$lib" "$FS$lib"
done
echo "runner:x:1000:1000::/tmp:/usr/sbin/nologin" > "$FS/etc/passwd"
echo "runner:x:1000:" > "$FS/etc/group"

tar -C "$FS" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/bin/node", "/app/bin/avs-runner.mjs"]' \
  --change 'ENV MODEL_DIR=/models PORT=8000 HOST=0.0.0.0' \
  --change 'WORKDIR /app' \
  --change 'USER 1000' \
  --change "LABEL avs.inputs=$HASH" \
  - "$TAG" >/dev/null
docker image prune -f --filter "label=avs.inputs" >/dev/null
echo "built image $TAG ($HASH, $(du -sh "$FS" | cut -f1) root filesystem)"
