#!/usr/bin/env sh
# Fills a folder for kindling.cluster.addonManifestDir from the Go module proxy (the modules hold
# the same files as the upstream git tags, so the SHA-256 pins in
# src/core/cluster/manifestSources.ts match). For offline machines and for the integration tests.
# Usage: scripts/kind-manifests.sh [OUT_DIR]   (default ~/.cache/kindling/addon-manifests)
set -eu
ARGO_VERSION="${ARGO_VERSION:-v3.6.15}"
SPARK_OPERATOR_VERSION="${SPARK_OPERATOR_VERSION:-v2.4.0}"
OUT="${1:-${KINDLING_CACHE:-$HOME/.cache/kindling}/addon-manifests}"
moddir() { (cd "${TMPDIR:-/tmp}" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'); }
ARGO_DIR="$(moddir "github.com/argoproj/argo-workflows/v3@$ARGO_VERSION")"
SPARK_DIR="$(moddir "github.com/kubeflow/spark-operator/v2@$SPARK_OPERATOR_VERSION")"
copy() { # copy <module dir> <dest prefix> <relative dir>
  mkdir -p "$2/$3"
  for f in "$1/$3"/*.yaml; do
    case "$(basename "$f")" in kustomization.yaml) continue ;; esac
    cp "$f" "$2/$3/" && chmod u+w "$2/$3/$(basename "$f")"
  done
}
A="$OUT/argo-workflows/$ARGO_VERSION"
S="$OUT/spark-operator/$SPARK_OPERATOR_VERSION"
copy "$ARGO_DIR" "$A" manifests/base/crds/minimal
copy "$ARGO_DIR" "$A" manifests/base/workflow-controller
copy "$ARGO_DIR" "$A" manifests/cluster-install/workflow-controller-rbac
copy "$SPARK_DIR" "$S" config/crd/bases
echo "[kind-manifests] Argo $ARGO_VERSION and Spark operator $SPARK_OPERATOR_VERSION manifests in $OUT"
