#!/usr/bin/env bash
# Runs a ci/ script in a copy of this clone that lives at a path no clone changes
# (INDOUBT_CI_COPY, default /var/cache/indoubt/ci/src), so that the builds made there are kept
# between runs and rebuild only what changed: SwiftPM rebuilds every file of a package whose
# path is new. In a fresh clone on the 2-core machine the debug build took 59 s, and in the
# background the postgres-nio build 106 s and the example package's 37 s, each compiling
# InDoubt from scratch. The copy is synced file by file (only files whose bytes changed are
# written, so the others keep what SwiftPM saw), and files the clone no longer has are
# removed; what the builds made (.build and .build-*, .swiftpm, Package.resolved, in the
# package and the example) stays. Its runs/ is a link to the clone's runs/, where the reports and JUnit XML go.
# One run at a time uses the copy (a lock next to it). A new machine builds everything once.
# Usage: bash ci/stable-copy.sh SCRIPT [ARGUMENTS ...]  (ci/test.sh calls it; INDOUBT_CI_IN_PLACE=1
#        there runs in the clone instead)
set -euo pipefail
cd "$(dirname "$0")/.."
clone=$PWD
copy=${INDOUBT_CI_COPY:-/var/cache/indoubt/ci/src}
[ "$#" -ge 1 ] || { echo "usage: bash ci/stable-copy.sh SCRIPT [ARGUMENTS ...]" >&2; exit 2; }
case "$copy" in
  /*) ;;
  *) echo "ci/stable-copy.sh: INDOUBT_CI_COPY must be an absolute path, not '$copy'" >&2; exit 2 ;;
esac
[ "$copy" != "$clone" ] || { echo "ci/stable-copy.sh: INDOUBT_CI_COPY is this clone itself; run with INDOUBT_CI_IN_PLACE=1" >&2; exit 2; }
mkdir -p "$copy"
exec 8>"$copy.lock"
flock -w 3600 8 || { echo "ci/stable-copy.sh: another run has held $copy.lock for an hour" >&2; exit 1; }

# The files a build of this clone sees: tracked, or untracked and not ignored. (Bash and
# coreutils only: this runs before ci/setup.sh has installed anything.)
declare -A wanted=()
written=0 removed=0
while IFS= read -r -d '' path; do
  [ -f "$clone/$path" ] || [ -L "$clone/$path" ] || continue   # tracked, but deleted in the clone
  wanted[$path]=1
  if [ -L "$clone/$path" ] || [ -L "$copy/$path" ] || ! cmp -s "$clone/$path" "$copy/$path"; then
    mkdir -p "$(dirname "$copy/$path")"
    rm -f "$copy/$path"
    cp -P --preserve=mode "$clone/$path" "$copy/$path"
    written=$(( written + 1 ))
  fi
done < <(git -C "$clone" ls-files -z --cached --others --exclude-standard)
# What the builds made is kept (.build and .build-*, .swiftpm, Package.resolved, at any depth:
# the example has its own); everything else the clone does not have goes.
while IFS= read -r -d '' file; do
  path=${file#"$copy"/}
  if [ -z "${wanted[$path]:-}" ]; then rm -f "$file"; removed=$(( removed + 1 )); fi
done < <(find "$copy" \( -name '.build*' -o -name .swiftpm -o -path "$copy/runs" \) -prune -o \
           \( -type f -o -type l \) ! -name Package.resolved -print0)
echo "ci/stable-copy.sh: $copy synced from $clone: $written files written, $removed removed, ${#wanted[@]} in all"
mkdir -p "$clone/runs"
rm -rf "$copy/runs"
ln -s "$clone/runs" "$copy/runs"

cd "$copy"
# The lock (descriptor 8) stays held by the script until it ends.
INDOUBT_CI_IN_PLACE=1 exec bash "$@"
