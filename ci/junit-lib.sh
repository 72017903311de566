# Shared by ci/test.sh, ci/test-compose.sh and ci/mutants.sh (source it; it defines
# variables and functions, and runs nothing): JUnit XML for every `swift test` of CI.
#
# `swift test --xunit-output FILE` writes Swift Testing's results to FILE-swift-testing.xml
# (FILE without its .xml, then the suffix), always; XCTest's to FILE only from SwiftPM's
# parallel runner, so each step passes --parallel --num-workers 1: the XCTest cases still run
# one at a time, each in a process of its own (about 0.05 s more per case), and Swift
# Testing runs as it does without the flag. XCTest's XML says only "failure" for a failed
# case: the reason is in the log, which prints each failed case's output.

# Where the files go: runs/junit/STEP.xml (XCTest) and runs/junit/STEP-swift-testing.xml.
indoubt_junit_dir="${INDOUBT_JUNIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/runs/junit}"

# Sets the array `junit` to the swift test arguments that write STEP's files, and removes
# the files an earlier run left, so that indoubt_junit_check sees this run's. WORKERS (default
# 1) is how many XCTest cases run at once.
# Usage: indoubt_junit_args STEP [WORKERS]; swift test "${junit[@]}" ...
indoubt_junit_args() {
  mkdir -p "$indoubt_junit_dir"
  rm -f "$indoubt_junit_dir/$1.xml" "$indoubt_junit_dir/$1-swift-testing.xml"
  junit=(--parallel --num-workers "${2:-1}" --xunit-output "$indoubt_junit_dir/$1.xml")
}

# Fails, saying why, unless STEP's two files exist and hold at least one test case between
# them (a step whose filter matched nothing, or a swift test that died before writing).
indoubt_junit_check() {
  local file cases=0 status=0
  for file in "$indoubt_junit_dir/$1.xml" "$indoubt_junit_dir/$1-swift-testing.xml"; do
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
  [ "$status" -eq 0 ] && echo "junit: $1: $cases test cases in $indoubt_junit_dir/$1.xml and $1-swift-testing.xml"
  return "$status"
}
