#!/usr/bin/env bash
# Builds what ci/test.sh's driver step needs but does not time: the build with the package
# trait PostgresNIO (and its tests) in a scratch path of its own, then the DocC archives in
# that same folder (the docs plugin builds every dependency, postgres-nio too, which is built
# there already). ci/test.sh runs it in the background while the claims run
# (ci/background-builds.sh).
# Exit status: 0 both built, 1 the trait build failed (no docs tried), 3 the docs failed.
# Logs: OUT/nio-build.log and OUT/docs.log; the archives go to OUT/docs.
# Usage: bash ci/build-nio.sh SCRATCH_PATH OUT
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$#" -eq 2 ] || { echo "usage: bash ci/build-nio.sh SCRATCH_PATH OUT" >&2; exit 2; }
scratch=$1 out=$2
mkdir -p "$out/docs"

started=$(date +%s)
if ! swift build --build-tests --traits PostgresNIO --scratch-path "$scratch" >"$out/nio-build.log" 2>&1; then
  echo "ci/build-nio.sh: the build with --traits PostgresNIO failed after $(( $(date +%s) - started )) s (log: $out/nio-build.log)" >&2
  exit 1
fi
built=$(date +%s)
echo "ci/build-nio.sh: the PostgresNIO build took $(( built - started )) s"

# A symbol link that names nothing, or a public parameter without its documentation, fails.
if ! swift package --scratch-path "$scratch" --allow-writing-to-directory "$out/docs" generate-documentation \
    --target InDoubt --target InDoubtTesting --warnings-as-errors --output-path "$out/docs" >"$out/docs.log" 2>&1; then
  echo "ci/build-nio.sh: the documentation failed to build (log: $out/docs.log)" >&2
  exit 3
fi
echo "ci/build-nio.sh: the documentation took $(( $(date +%s) - built )) s"
