#!/usr/bin/env bash
# Installs the system packages Kindling's build and tests need on a Debian machine (idempotent).
# Language toolchains (Node 20, Go, Python, OpenJDK) are expected; everything else comes from here.
set -euo pipefail

# Debian packages, grouped by the tier that needs them.
PKGS=(
  chromium                                                 # E2E (code-server through Playwright) and bench:dag
  libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config    # code-server's native modules
  fonts-dejavu-core                                        # readable screenshots
  docker-registry apache2-utils                            # integration: two OCI registries for the image copy (htpasswd for basic auth)
  docker.io containerd runc iptables jq debootstrap        # kind tier: our own dockerd and the images it builds (testenv/kind)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[setup] Debian packages already present"
fi
