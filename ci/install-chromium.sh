#!/usr/bin/env bash
# Installs what the timeline's browser test needs, from Debian's own repositories, as root:
# headless Chromium (renders timeline.html to a PNG) and python3 (decodes the PNG with zlib
# to count drawn pixels). Idempotent: a second run installs nothing.
# Usage: bash ci/install-chromium.sh
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "ci/install-chromium.sh: run as root (it installs apt packages)" >&2
  exit 2
fi

packages=(chromium python3 fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci/install-chromium.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v chromium >/dev/null || { echo "ci/install-chromium.sh: chromium is still missing after install" >&2; exit 1; }
command -v python3 >/dev/null || { echo "ci/install-chromium.sh: python3 is still missing after install" >&2; exit 1; }
echo "ci/install-chromium.sh: ready ($(chromium --version 2>/dev/null | head -1), $(python3 --version))"
