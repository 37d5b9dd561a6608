#!/bin/bash
# Run by kindling-preload-images.service: containerd must answer before `ctr import` can.
set -euo pipefail
for _ in $(seq 60); do ctr version >/dev/null 2>&1 && break; sleep 0.5; done
for tarball in /kind/images/*.tar; do
  ctr --namespace k8s.io images import "$tarball"
done
touch /var/lib/kindling-images-imported
