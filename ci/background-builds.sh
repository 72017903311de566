#!/usr/bin/env bash
# The builds ci/test.sh needs later but need not wait for, one after another in the order it
# needs them, while the claims run: the PostgresNIO trait build and the docs
# (ci/build-nio.sh), the example package's (Examples/CheckoutTests/.build), and, with
# MUTANTS=1, the mutation check's lanes (ci/mutants.sh --prepare). ci/test.sh starts this at nice 19 under
# SCHED_IDLE, so that it takes only the CPU the claims leave; one build at a time, since five
# side by side (ten compiler processes) made the nemesis's iptables calls take 0.1-0.4 s
# instead of milliseconds, and a late-COMMIT claim missed its retransmission.
# Each build's exit status goes to OUT/NAME.status as it ends (example, nio, mutants), its log
# to OUT/NAME.log (build-nio.sh also writes nio-build.log and docs.log).
# Usage: bash ci/background-builds.sh NIO_SCRATCH_PATH OUT MUTANTS
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$#" -eq 3 ] || { echo "usage: bash ci/background-builds.sh NIO_SCRATCH_PATH OUT MUTANTS(0|1)" >&2; exit 2; }
nio_scratch=$1 out=$2 mutants=$3
mkdir -p "$out"
rm -f "$out"/{example,nio,mutants}.status

# Usage: record NAME COMMAND [ARGUMENTS ...]
record() {
  local name=$1 started status=0
  shift
  started=$(date +%s)
  "$@" >"$out/$name.log" 2>&1 || status=$?
  echo "ci/background-builds.sh: $name: status $status after $(( $(date +%s) - started )) s"
  echo "$status" >"$out/$name.status"
}

record nio bash ci/build-nio.sh "$nio_scratch" "$out"
record example swift build --build-tests --package-path Examples/CheckoutTests
if [ "$mutants" = 1 ]; then record mutants bash ci/mutants.sh --prepare; fi
