#!/usr/bin/env sh
# Builds the pinned kind CLI and tools/kindcheck (kind's own config loader) from the Go module proxy
# into ~/.cache/kindling/kind/<version>/, which test/integration/cluster/** uses. Idempotent: a
# second run with both binaries present returns at once. The version must match
# KIND_VERSION in src/core/cluster/versions.ts (the integration test checks `kind version`).
set -eu
KIND_VERSION="${KIND_VERSION:-v0.33.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${KINDLING_CACHE:-$HOME/.cache/kindling}/kind/$KIND_VERSION"
mkdir -p "$OUT"
if [ -x "$OUT/kind" ] && [ -x "$OUT/kindcheck" ]; then
  echo "[kind-build] kind $KIND_VERSION and kindcheck already in $OUT"
  exit 0
fi
start=$(date +%s)
if [ ! -x "$OUT/kind" ]; then
  echo "[kind-build] go install sigs.k8s.io/kind@$KIND_VERSION → $OUT (about a minute on 2 cores)"
  GOBIN="$OUT" go install "sigs.k8s.io/kind@$KIND_VERSION"
fi
if [ ! -x "$OUT/kindcheck" ]; then
  echo "[kind-build] building tools/kindcheck against kind $KIND_VERSION"
  (cd "$ROOT/tools/kindcheck" && go build -o "$OUT/kindcheck" .)
fi
"$OUT/kind" version
echo "[kind-build] done in $(( $(date +%s) - start )) s"
