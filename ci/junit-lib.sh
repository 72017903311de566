# Shared by ci/test.sh, ci/test-compose.sh and ci/mutants.sh (source it; it defines
# variables and functions, and runs nothing): JUnit XML for every `swift test` of CI.
#
# `swift test --xunit-output FILE` writes Swift Testing's results to FILE-swift-testing.xml
# (FILE without its .xml, then the suffix), always; XCTest's to FILE only from SwiftPM's
# parallel runner, so each step passes --parallel --num-workers N (1 unless the step says
# otherwise): each XCTest case runs in a process of its own (about 0.05 s more per case),
# and Swift Testing runs as it does without the flag. XCTest's XML says only "failure" for
# a failed case: the reason is in the log, which prints each failed case's output
# (ci/test.sh keeps each step's log in runs/logs and prints the error lines of failed ones).

# Where the files go: runs/junit/STEP.xml (XCTest) and runs/junit/STEP-swift-testing.xml.
indoubt_junit_dir="${INDOUBT_JUNIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/runs/junit}"

# Sets the array `junit` to the swift test arguments that write STEP's files, and removes
# the files an earlier run left, so that indoubt_junit_check sees this run's. WORKERS (default
# 1) is how many XCTest cases run at once; swift-testing instead runs Swift Testing alone
# (--disable-xctest, which takes no worker count).
# Usage: indoubt_junit_args STEP [WORKERS | swift-testing]; swift test "${junit[@]}" ...
declare -A indoubt_junit_swift_testing_only=()
indoubt_junit_args() {
  mkdir -p "$indoubt_junit_dir"
  rm -f "$indoubt_junit_dir/$1.xml" "$indoubt_junit_dir/$1-swift-testing.xml"
  indoubt_junit_swift_testing_only[$1]=
  if [ "${2:-}" = swift-testing ]; then
    indoubt_junit_swift_testing_only[$1]=yes
    junit=(--disable-xctest --xunit-output "$indoubt_junit_dir/$1.xml")
  else
    junit=(--parallel --num-workers "${2:-1}" --xunit-output "$indoubt_junit_dir/$1.xml")
  fi
}

# Fails, saying why, unless STEP's two files exist and hold at least one test case between
# them (a step whose filter matched nothing, or a swift test that died before writing).
# For a step that indoubt_junit_args set up as swift-testing (--disable-xctest), the one file
# is STEP.xml: without --parallel, Swift Testing writes there, under the name given.
indoubt_junit_check() {
  local file files cases=0 status=0
  files=("$indoubt_junit_dir/$1.xml" "$indoubt_junit_dir/$1-swift-testing.xml")
  [ -z "${indoubt_junit_swift_testing_only[$1]:-}" ] || files=("$indoubt_junit_dir/$1.xml")
  for file in "${files[@]}"; do
    if [ ! -s "$file" ]; then
      echo "junit: $file was not written" >&2
      status=1
    else
      cases=$(( cases + $(grep -c '<testcase ' "$file" || true) ))
    fi
  done
  if [ "$status" -eq 0 ] && [ "$cases" -eq 0 ]; then
    echo "junit: $indoubt_junit_dir/$1*.xml hold no test case" >&2
    status=1
  fi
  [ "$status" -eq 0 ] && echo "junit: $1: $cases test cases in ${files[*]}"
  return "$status"
}

# Runs a command with a time limit of LIMIT seconds: a step that hangs then fails in minutes,
# named, instead of at CI's 90 (seen: a run waited 85 min in one replication claim). On
# expiry the command's process group gets SIGTERM, then SIGKILL 30 s later, and the reaper
# removes the namespaces, servers and compose projects its tests left.
# Usage: indoubt_within LIMIT COMMAND [ARGUMENTS ...] || status=1
indoubt_within() {
  local limit=$1 rc=0
  shift
  timeout --kill-after=30 "$limit" "$@" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "ci: \`$*\` did not finish within $limit s: it hung (the last test it started is above); reaping what it left" >&2
    local reaper
    reaper="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/debug/indoubt"
    if [ -x "$reaper" ]; then "$reaper" reap >&2 || true; fi
  fi
  return "$rc"
}
