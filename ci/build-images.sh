#!/usr/bin/env bash
# Builds the images the compose backend runs, without any image registry: a Debian
# bookworm root file system made by debootstrap from Debian's own mirror, with
# postgresql-15, iptables and iproute2, imported with `docker import`.
#
#   indoubt/postgres:15     PostgreSQL 15, with docker/postgres/docker-entrypoint.sh: the
#                           official postgres image's conventions (POSTGRES_* variables,
#                           /var/lib/postgresql/data, `-c` settings as arguments)
#   indoubt/sidecar:latest  the same image, tagged for the fault-injecting sidecar (it has
#                           iptables and tc; docker-compose.yml gives it its own entrypoint)
#
# Cached by tag: when both tags exist it does nothing (--rebuild builds anew, and removes
# the image it replaces). A build takes about 70 s on two cores, the download of about
# 100 MB of packages included (they are kept in /var/cache/indoubt-debootstrap). Its
# work folder is $TMPDIR/indoubt-image-PID, removed on exit, on Ctrl-C, and by the next
# build if this one was killed.
# Usage (as root, with a running engine: bash ci/start-docker.sh): bash ci/build-images.sh [--rebuild]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/docker-lib.sh

rebuild=0
[ "${1:-}" = "--rebuild" ] && rebuild=1
suite=bookworm
mirror="${INDOUBT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root_tmp="${TMPDIR:-/tmp}"
# Downloaded .deb files are kept here, so that a rebuild (--rebuild, or after `docker
# image rm`) downloads nothing.
deb_cache="${INDOUBT_DEBOOTSTRAP_CACHE:-/var/cache/indoubt-debootstrap}"

if [ "$rebuild" -eq 0 ] && "$DOCKER" image inspect "$INDOUBT_LOCAL_PG_IMAGE" >/dev/null 2>&1 \
   && "$DOCKER" image inspect "$INDOUBT_LOCAL_SIDECAR_IMAGE" >/dev/null 2>&1; then
  echo "ci/build-images.sh: $INDOUBT_LOCAL_PG_IMAGE and $INDOUBT_LOCAL_SIDECAR_IMAGE exist (cached; --rebuild builds them anew)"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "ci/build-images.sh: debootstrap needs root" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "ci/build-images.sh: debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }
indoubt_docker_ready || { echo "ci/build-images.sh: no Docker engine answers: bash ci/start-docker.sh" >&2; exit 2; }

# Unmounts whatever debootstrap left mounted under $1 (proc, sys, ...), deepest first, then
# removes the folder without crossing into another file system.
remove_build_folder() {
  local folder="$1" mount
  for mount in $(awk -v prefix="$folder/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount" 2>/dev/null || true
  done
  rm -rf --one-file-system "$folder"
}

# Folders of builds that were killed (their pid is gone).
for folder in "$root_tmp"/indoubt-image-*; do
  [ -d "$folder" ] || continue
  pid="${folder##*-}"
  if [[ "$pid" =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; then
    echo "ci/build-images.sh: removing $folder, left by a build that died"
    remove_build_folder "$folder"
  fi
done

work="$root_tmp/indoubt-image-$$"
trap 'remove_build_folder "$work"' EXIT
trap 'exit 130' INT TERM
rootfs="$work/rootfs"
mkdir -p "$rootfs"

started=$(date +%s)
echo "ci/build-images.sh: debootstrap $suite (minbase + postgresql-15, iptables, iproute2) from $mirror"
# (`docker import` takes no STOPSIGNAL or LABEL: docker-compose.yml sets stop_signal.)
# postgresql-common's postinst creates a 'main' cluster; it is removed below: the entrypoint
# initializes PGDATA at the first start, like the official image.
mkdir -p "$deb_cache"
fail() {
  echo "ci/build-images.sh: debootstrap failed ($1); the end of its log:" >&2
  tail -30 "$work/debootstrap.log" >&2
  tail -30 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true
  exit 1
}
# Two stages, so that dpkg can be told not to fsync every file of a throwaway root file
# system (force-unsafe-io): that more than halves the build (about 70 s instead of 180 s).
debootstrap --foreign --cache-dir="$deb_cache" --variant=minbase --include=postgresql-15,iptables,iproute2 \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || fail "first stage"
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io > "$rootfs/etc/dpkg/dpkg.cfg.d/indoubt-build-unsafe-io"
chroot "$rootfs" /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1 || fail "second stage"
rm -f "$rootfs/etc/dpkg/dpkg.cfg.d/indoubt-build-unsafe-io"
echo "ci/build-images.sh: debootstrap done in $(( $(date +%s) - started )) s"

pg_major=15
rm -rf "$rootfs/var/lib/postgresql/$pg_major/main" "$rootfs/etc/postgresql/$pg_major/main"
install -m 0755 docker/postgres/docker-entrypoint.sh "$rootfs/usr/local/bin/docker-entrypoint.sh"
mkdir -p "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
chroot "$rootfs" chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
# What a container never needs: package caches and lists, documentation, manual pages.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
       "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/debootstrap
: > "$rootfs/etc/resolv.conf"
echo "indoubt" > "$rootfs/etc/hostname"

replaced=$("$DOCKER" image inspect --format '{{.Id}}' "$INDOUBT_LOCAL_PG_IMAGE" "$INDOUBT_LOCAL_SIDECAR_IMAGE" 2>/dev/null | sort -u || true)
version=$(chroot "$rootfs" /usr/lib/postgresql/$pg_major/bin/postgres --version | awk '{print $3}')
echo "ci/build-images.sh: importing PostgreSQL $version as $INDOUBT_LOCAL_PG_IMAGE"
tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import \
  --change "ENV PATH=/usr/lib/postgresql/$pg_major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV PG_MAJOR=$pg_major" \
  --change "ENV PG_VERSION=$version" \
  --change "ENV PGDATA=/var/lib/postgresql/data" \
  --change "ENV LANG=C.UTF-8" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' \
  --message "InDoubt: Debian $suite, PostgreSQL $version, iptables, iproute2 (ci/build-images.sh)" \
  - "$INDOUBT_LOCAL_PG_IMAGE" >/dev/null
"$DOCKER" tag "$INDOUBT_LOCAL_PG_IMAGE" "$INDOUBT_LOCAL_SIDECAR_IMAGE"
new_id=$("$DOCKER" image inspect --format '{{.Id}}' "$INDOUBT_LOCAL_PG_IMAGE")
for id in $replaced; do
  # The image this build replaced, now untagged (kept if a container still uses it).
  [ "$id" = "$new_id" ] || "$DOCKER" image rm "$id" >/dev/null 2>&1 || true
done
size=$("$DOCKER" image inspect -f '{{.Size}}' "$INDOUBT_LOCAL_PG_IMAGE")
echo "ci/build-images.sh: built $INDOUBT_LOCAL_PG_IMAGE and $INDOUBT_LOCAL_SIDECAR_IMAGE ($(( size / 1024 / 1024 )) MB) in $(( $(date +%s) - started )) s"
