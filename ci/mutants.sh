#!/usr/bin/env bash
# Mutation check: each mutant breaks, in a scratch copy of the sources, one line that a
# claim guards (no fence, a resolver that always says aborted, a checker that never loses,
# ...), builds the copy incrementally in a scratch build path, and runs the tests that
# should catch it. The script fails unless the unmutated copy passes those tests and every
# mutant makes at least one of them fail. It prints a table: mutant -> the tests that caught it.
# Mutants named compose-* break the compose backend: their tests need a Docker engine and
# INDOUBT_BACKEND=compose, so they run only with it (ci/test-compose.sh), and only they do.
# Mutants named example-* break the example package's own code (Examples/CheckoutTests, a
# user's project that depends on InDoubt by path): they run in a copy of their own, the
# example package's tests catch them.
# Usage (as root, after ci/setup.sh): bash ci/mutants.sh [NAME ...]
#        bash ci/mutants.sh --prepare   (only syncs and builds the lanes' unmutated copies:
#        ci/test.sh runs it in the background, at nice 19 under SCHED_IDLE, while the claims run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Each lane has a scratch copy of the sources and a build of its own, kept between runs at a
# path that does not change with the clone (like the initdb templates and the postgres-nio
# build): a fresh clone's first mutant build is then incremental, not a full build (about a
# minute on 2 cores). INDOUBT_MUTANT_LANES lanes (default 3) take the mutants in turn: most
# of a mutant's time is its claim waiting on a fault or a deadline, which another lane's
# build and tests can use. On 2 cores the 33 namespace mutants took 433 s in one lane (its
# first build a full one), 219 s in two and 157-178 s in three, each caught by the same tests.
scratch=${INDOUBT_MUTANTS_DIR:-/var/cache/indoubt/mutants}
lanes=${INDOUBT_MUTANT_LANES:-3}
[[ "$lanes" =~ ^[1-9][0-9]*$ ]] || { echo "ci/mutants.sh: INDOUBT_MUTANT_LANES must be a positive number, not '$lanes'" >&2; exit 2; }
mkdir -p "$scratch"
# One run at a time per scratch folder (two clones' CI runs would mutate the same copies).
exec 9>"$scratch/lock"
flock -w 1800 9 || { echo "ci/mutants.sh: another run has held $scratch/lock for 30 min" >&2; exit 1; }
export INDOUBT_REQUIRE_FAULTS=1

# name | file | exact text | replacement | tests that must catch it (swift test --filter;
# the only field that may hold '|')
mutants=$(cat <<'TABLE'
no-fence|Sources/InDoubt/Workload/Fence.swift|        guard !others.isEmpty else { return 0 }|        return 0|LateCommitClaims/fencedVerdictsHold
sessions-unnamed|Sources/InDoubt/Postgres/ConnectionOptions.swift|            ("application_name", applicationName),|            ("application_name", "indoubt"),|LateCommitClaims/fencedVerdictsHold|LibPQDriverClaims/d2
commit-error-fail|Sources/InDoubt/Postgres/OutcomeClassifier.swift|        case .nothing, .statement:|        case .nothing, .statement, .commit:|OutcomeClassificationTests|ExperimentClaims/unacknowledgedWritesSurvive
ledger-always-aborted|Sources/InDoubt/Workload/Strategies/LedgerStrategy.swift|            verdicts[write.element] = present.contains(id)|            verdicts[write.element] = false|ResolutionClaims/ledger
txid-aborted-as-committed|Sources/InDoubt/Workload/Strategies/TransactionStatusStrategy.swift|        case "aborted": return .aborted(|        case "aborted": return .committed(|LateCommitClaims/fencedVerdictsHold
2pc-leaves-prepared|Sources/InDoubt/Workload/Strategies/TwoPhaseCommitStrategy.swift|        for gid in found {|        for gid in [String]() where !found.isEmpty {|ResolutionClaims/twoPhaseCommit
checker-never-lost|Sources/InDoubt/Checker/SetChecker.swift|            lost: selectIfRead { element, record in record.acknowledged && !present(element) },|            lost: selectIfRead { element, record in false && record.acknowledged && !present(element) },|SilentRollbackClaims/trustingTheReplyLosesThem|RetryClaims/commitRetryLosesAcknowledgedWrites
checker-never-lost-xctest|Sources/InDoubt/Checker/SetChecker.swift|            lost: selectIfRead { element, record in record.acknowledged && !present(element) },|            lost: selectIfRead { element, record in false && record.acknowledged && !present(element) },|SilentRollbackClaimsXCTests/testTrustingTheReplyLosesRolledBackWrites
rollback-tag-ok|Sources/InDoubt/Postgres/TransactionEnd.swift|        if tag == rollbackTag {|        if tag == rollbackTag { return }; if false {|SilentRollbackClaims/rollbackTagIsAFailure
restart-without-fence|Sources/InDoubt/Workload/ClientRecovery.swift|        let fenced = try await Fence.terminate(applicationNames: sessions, via: admin, deadline: deadline)|        let fenced = 0|ClientCrashRecoveryTests
2pc-gate-before-prepare|Sources/InDoubt/Workload/Strategies/TwoPhaseCommitStrategy.swift|            if gateBefore == .prepare { await context.beforeCommit() }|            if true { await context.beforeCommit() }|TwoPhaseCommitClaims
resolve-before-fence|Sources/InDoubt/Workload/Experiment.swift|@@resolve-before-fence|@@|LateCommitClaims/fencedVerdictsHold
failover-keeps-old-primary|Sources/InDoubt/Cluster/NamespaceCluster+Failover.swift|        primaryIndex.withLock { $0 = chosen.index }|        _ = chosen.index|ReplicationClaims/asyncFailoverLosesAcknowledgedWrites
sync-commit-local|Sources/InDoubt/Cluster/Replication.swift|"synchronous_commit": level.rawValue]|"synchronous_commit": "local"]|ReplicationClaims/syncFailoverLosesNothingAcknowledged
sync-warning-ok|Sources/InDoubt/Postgres/TransactionEnd.swift|            if !trustingWarnings, let warning = result.notices.first(where: isReplicationWaitCancelled) {|            if !trustingWarnings, let warning = result.notices.first(where: { _ in false }) {|OutcomeClassificationTests|CancelledWaitClaims/cancelledWaitsEndInfo
standbys-not-repointed|Sources/InDoubt/Cluster/NamespaceCluster+Failover.swift|            try await follower.follow(chosen)|            _ = follower|ReplicationTests/standbysFollowTheNewPrimary
cancel-never-sent|Sources/InDoubt/Postgres/PostgresConnection.swift|                Self.sendCancelRequest(handle)|                _ = handle|CancelledWaitClaims/cancelledWaitsEndInfo
trusting-reads-warning|Sources/InDoubt/Postgres/ConnectionOptions.swift|            copy.trustsCommitWarnings = true|            copy.trustsCommitWarnings = false|CancelledWaitClaims/trustingClientLosesWrites
checker-no-read-then-lost|Sources/InDoubt/Checker/SetChecker.swift|            readThenLost: hasRead ? seenByReads.filter { !present($0) }.sorted() : [],|            readThenLost: [],|CancelledWaitClaims/readsOfLostWritesAreNamed
interim-read-is-final|Sources/InDoubt/Checker/SetChecker.swift|            finalRead = nil|            _ = 0|SetCheckerTests
client-cut-is-replication-cut|Sources/InDoubt/Cluster/NamespaceCluster+ExperimentTarget.swift|            default: clientCut()|            default: replicationCut()|ReplicationTests/clientCutFault
doctor-exit-ignores-missing|Sources/InDoubt/Doctor/Doctor.swift|        checks.contains { $0.need == .defaultBackend && !$0.ok } ? 2 : 0|        false ? 2 : 0|DoctorTests/exitCode|DoctorCLITests/badSubnet
reaper-not-run-at-start|Sources/InDoubt/Cluster/NamespaceCluster.swift|        let reaped = try await SlotRegistry.locked { try Reaper.reap() }|        let reaped = Reaper.Report()|CrashRecoveryTests/killDuringPartition
installation-inspected-every-time|Sources/InDoubt/Cluster/PostgresInstallation.swift|        if let earlier = earlierInspection(of: binDirectory, stamps: stamps) { return earlier }|        if let earlier = earlierInspection(of: binDirectory, stamps: nil) { return earlier }|PostgresInstallationTests
netns-pids-none|Sources/InDoubt/Cluster/NamespaceFiles.swift|            return stat("/proc/\(pid)/ns/net", &candidate) == 0 && candidate.st_dev == target.st_dev && candidate.st_ino == target.st_ino|            return stat("/proc/\(pid)/ns/net", &candidate) == 0 && candidate.st_dev == target.st_dev && candidate.st_ino == 0|NamespaceFilesTests
fault-ignores-read-since|Sources/InDoubt/Faults/Nemesis.swift|        guard let kind = schedule.afterReadSince else { return true }|        guard let kind = schedule.afterReadSince, false else { return true }|NemesisGateTests
sync-ready-while-unranked|Sources/InDoubt/Cluster/Replication+Streaming.swift|        let unranked = senders.contains { standbys.contains($0.name) && $0.syncState == "async" }|        let unranked = senders.contains { standbys.contains($0.name) && $0.syncState == "unranked" }|ReplicationReadinessTests
spawns-unserialized|Sources/InDoubt/Support/Command.swift|        try spawnLock.withLock { try process.run() }|        try NSLock().withLock { try process.run() }|CommandSpawnTests
gate-always-open|Sources/InDoubt/Support/AsyncGate.swift|        guard inside >= capacity else {|        guard inside >= capacity && false else {|AsyncGateTests
pause-heal-no-sigcont|Sources/InDoubt/Cluster/NamespaceCluster+NodeFaults.swift|            for pid in still { Glibc.kill(pid, SIGCONT) }|            for pid in still where false { Glibc.kill(pid, SIGCONT) }|ReplicationTests/pausePrimaryFault
final-read-node-unrecorded|Sources/InDoubt/Workload/Experiment.swift|values: try rows.map { try $0.int(0) }, node: readNode)|values: try rows.map { try $0.int(0) }, node: nil)|ReplicationCLITests/asyncDefaultsLoseWrites
txid-no-timeline-check|Sources/InDoubt/Workload/Strategies/TransactionStatusStrategy+Timeline.swift|        if token.timeline != serverTimeline {|        if token.timeline != serverTimeline && false {|FailoverResolutionClaims/transactionStatusAcrossTheFailover|FailoverResolutionClaimsXCTests/testR4TransactionStatusAcrossTheFailover
txid-no-future-guard|Sources/InDoubt/Workload/Strategies/TransactionStatusStrategy.swift|"SELECT t.id, n.next::text, CASE WHEN t.id::\(functions.idType) < n.next THEN \(functions.status)(t.id::\(functions.idType)) END "|"SELECT t.id, n.next::text, \(functions.status)(t.id::\(functions.idType)) "|FailoverResolutionClaims/transactionStatusOfAnIdTheStandbyNeverSaw
checker-never-misresolves-committed|Sources/InDoubt/Checker/SetChecker.swift|                case .committed: return !present(element)|                case .committed: return false|FailoverResolutionClaims/resolvingOnTheOldPrimaryMisresolves
no-fence-on-the-old-primary|Sources/InDoubt/Workload/Fence.swift|        guard !others.isEmpty else { return 0 }|        return 0|FailoverResolutionClaims/resolvingOnTheOldPrimaryMisresolves
libpq-no-deadline|Sources/InDoubt/Postgres/PostgresConnection.swift|            let ready = poll(&descriptor, 1, deadline.pollMilliseconds)|            let ready = poll(&descriptor, 1, -1)|LibPQDriverClaims/d1|LibPQDriverClaimsXCTests/testLostAcknowledgementEndsInTime
nemesis-gate-overlap|Sources/InDoubt/Faults/Nemesis.swift|            guard !state.gateClosed else { return .wait }|            _ = state.gateClosed|NemesisGateTests
nemesis-drops-nodes|Sources/InDoubt/Faults/Nemesis.swift|    private static func recorded(_ nodes: [String]) -> [String]? { nodes.isEmpty ? nil : nodes }|    private static func recorded(_ nodes: [String]) -> [String]? { nil }|NemesisNodesTests|ReplicationCLITests/asyncDefaultsLoseWrites
failover-names-no-nodes|Sources/InDoubt/Cluster/TopologyFaultEffect+Cluster.swift|            nodes: [failover.oldPrimary, failover.newPrimary])|            nodes: [])|ReplicationCLITests/asyncDefaultsLoseWrites
pause-freeze-no-retry|Sources/InDoubt/Cluster/Compose/ComposeNode+Container.swift|where reason.contains("unable to freeze") && attempt < attempts {|where reason.contains("unable to freeze") && attempt < 1 {|ComposePauseTests
claim-group-serial|Sources/InDoubtTesting/ClaimGroup.swift|        guard !state.startedSelected else { return [] }|        guard false else { return [] }|ClaimGroupXCTests/testAGroupStartsItsClaimsAtOnce
claim-plan-ignored|Sources/InDoubtTesting/ClaimPlan.swift|        for group in groups { count += group.startSelected(through: gate) }|        for group in groups where false { count += group.startSelected(through: gate) }|ClaimGroupXCTests/testAPlanStartsEveryGroupsClaimsAtOnce
claim-plan-unlimited|Sources/InDoubtTesting/ClaimGroup.swift|        guard let gate else { return Task { try await claim.verifyDeferringFailures() } }|        guard let gate, false else { return Task { try await claim.verifyDeferringFailures() } }|ClaimGroupXCTests/testAPlanRunsNoMoreThanItsLimitAtOnce
claim-group-drops-failures|Sources/InDoubtTesting/ClaimGroup.swift|            try await task.value.forEach(record)|            _ = try await task.value|ClaimGroupXCTests/testAGroupRecordsEachFailureInTheMethodThatVerifies
claim-context-records-deferred-now|Sources/InDoubtTesting/ClaimContext.swift|        recording = Test.current != nil ? .swiftTesting : deferred ? .deferred : .xcTest|        recording = Test.current != nil ? .swiftTesting : .xcTest|ClaimGroupXCTests/testDeferredFailuresAreHeldForTheirMethod
xctest-selection-ignores-filter|Sources/InDoubtTesting/XCTestSelection.swift|        guard !specifiers.isEmpty else { return .all }|        return .all|XCTestSelectionTests|ClaimGroupXCTests/testAGroupThatSelectsOneMethodStartsOnlyItsClaim
reader-misses-newest|Sources/InDoubt/Workload/Experiment.swift|                history.append(process: process, type: .ok, f: .read, values: try rows.map { try $0.int(0) })|                history.append(process: process, type: .ok, f: .read, values: try rows.dropLast(3).map { try $0.int(0) })|CancelledWaitClaims/cancelledWaitsEndInfo
example-keyed-charges-again|Examples/CheckoutTests/Sources/Checkout/CheckoutStrategy.swift|            if !placed.rows.isEmpty {|            if placed.rows.count >= 0 {|CheckoutTests/keyedCheckoutChargesOnce
example-keyed-resolves-aborted|Examples/CheckoutTests/Sources/Checkout/CheckoutStrategy.swift|            verdicts[write.element] = placed.contains(key)|            verdicts[write.element] = false && placed.contains(key)|CheckoutXCTests/testKeyedCheckoutChargesOnce
compose-cut-own-address|Sources/InDoubt/Cluster/Compose/ComposeCluster+Partition.swift|        return NodePartition.between(try Self.addressed(side), try Self.addressed(other), name: "replication-cut")|        return NodePartition.between(try Self.addressed(side), try Self.addressed(side), name: "replication-cut")|ReplicationClaims/asyncFailoverLosesAcknowledgedWrites
compose-failover-keeps-old-primary|Sources/InDoubt/Cluster/Compose/ComposeCluster+Failover.swift|        primaryIndex.withLock { $0 = index }|        _ = index|ReplicationClaimsXCTests/testR2SyncFailoverLosesNothingAcknowledged
TABLE
)
# The compose backend's mutants with INDOUBT_BACKEND=compose, the others without it.
backend=${INDOUBT_BACKEND:-netns}
mutants=$(echo "$mutants" | while IFS='|' read -r name rest; do
  [ -n "$name" ] || continue
  is_compose=no; [[ "$name" != compose-* ]] || is_compose=yes
  wanted=no; [ "$backend" != compose ] || wanted=yes
  if [ "$is_compose" = "$wanted" ]; then echo "$name|$rest"; fi
done)

# Applies a mutant to a lane's copy (python: exact text, no regex surprises). The
# resolve-before-fence mutant moves the fencing block after the resolution.
# Usage: mutate COPY FILE OLD NEW
mutate() {
  python3 - "$1/$2" "$3" "$4" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
if old == "@@resolve-before-fence":
    start = text.index("                if configuration.fence {\n                    let fencer")
    end = text.index("                }\n", text.index("history.append(process: fencer, type: .ok", start)) + len("                }\n")
    block = text[start:end]
    text = text[:start] + text[end:]
    anchor = text.index("                if !configuration.fence, settlement.drain == nil {")
    text = text[:anchor] + block + text[anchor:]
else:
    if text.count(old) != 1:
        sys.exit(f"mutants.sh: the text to mutate is not in {path} exactly once: {old!r} (update ci/mutants.sh)")
    text = text.replace(old, new)
open(path, "w").write(text)
PY
}

# A lane's copy: only the files whose bytes differ from this clone's are replaced (and those
# it no longer has removed), so that every file left alone keeps its time and the build
# stays incremental, across runs and clones. A mutated file left by a killed run differs, so
# it is replaced too. Usage: sync_copy LANE_FOLDER
sync_copy() {
  python3 - "$root" "$1/src" <<'PY'
import filecmp, os, shutil, sys
root, src = sys.argv[1], sys.argv[2]
example = "Examples/CheckoutTests"
tops = ("Sources", "Tests", f"{example}/Sources", f"{example}/Tests")
wanted = {"Package.swift", f"{example}/Package.swift"}
for top in tops:
    for folder, _, files in os.walk(os.path.join(root, top)):
        wanted.update(os.path.relpath(os.path.join(folder, name), root) for name in files)
for path in sorted(wanted):
    source, copy = os.path.join(root, path), os.path.join(src, path)
    if not os.path.isfile(copy) or not filecmp.cmp(source, copy, shallow=False):
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copy2(source, copy)
for top in tops:
    for folder, _, files in os.walk(os.path.join(src, top)):
        for name in files:
            if os.path.relpath(os.path.join(folder, name), src) not in wanted:
                os.remove(os.path.join(folder, name))
PY
}

# indoubt_within (and, for the baseline run, the JUnit helpers).
source "$root/ci/junit-lib.sh"
# The example mutants' copy: the example package inside a synced copy of the whole tree, so
# that its path dependency is that copy's InDoubt. One for all the lanes (a lane holds
# example.lock while it mutates it): a copy per lane would build InDoubt three times more.
example_copy="$scratch/example"
# The package a copy builds and tests: the example package in the example copy.
# Usage: package_of COPY_FOLDER
package_of() { if [ "$1" = "$example_copy" ]; then echo "$1/src/Examples/CheckoutTests"; else echo "$1/src"; fi; }
# Usage: build_copy COPY_FOLDER
build_copy() { swift build --build-tests --package-path "$(package_of "$1")" --scratch-path "$1/build" >"$1/build.log" 2>&1; }
# A mutant fails its tests on purpose, and a failing XCTest claim keeps its report folder in
# the temporary folder: the test runs get one of their own, emptied after each.
# Usage: run_tests LANE_FOLDER FILTER [more swift test arguments]
run_tests() {
  local lane=$1 filter=$2 status=0
  shift 2
  rm -rf "$lane/tmp"; mkdir -p "$lane/tmp"
  TMPDIR="$lane/tmp" indoubt_within 600 swift test --skip-build --package-path "$(package_of "$lane")" --scratch-path "$lane/build" \
    --filter "$filter" "$@" >"$lane/test.log" 2>&1 || status=$?
  rm -rf "$lane/tmp"
  return "$status"
}
# Swift Testing's failed tests, and XCTest's (Linux prints `FILE:LINE: error: Class.testName : failed - ...`,
# `: XCTAssertEqual failed: ...` and the like, or `: threw error "..."` for a test that threw). Never fails itself: under `set -e` a grep that
# matched nothing ended the script, with no table, at the first mutant caught in another way.
# Only lines the names can be cut from count: another test's output cut into a line once put
# a raw fragment in the table.
# Usage: failed_tests LANE_FOLDER
failed_tests() {
  grep -E '^✘ Test "|error: [A-Za-z]+\.test[A-Za-z0-9_]+ : (failed|threw error|XCT[A-Za-z]+ failed)' "$1/test.log" \
    | sed -nE 's/^✘ Test "([^"]*)".*/\1/p; s/.*error: ([A-Za-z]+\.test[A-Za-z0-9_]+) : (failed|threw error|XCT[A-Za-z]+ failed).*/\1/p' \
    | sort -u | head -3 | paste -sd ';' - || true
}

prepare=false
if [ "${1:-}" = --prepare ]; then prepare=true; shift; fi
selected=("$@")
started=$(date +%s)
# (grep finding nothing is no error here: the compose backend's run has no example mutant.)
filters=$(echo "$mutants" | { grep -v -e '^$' -e '^example-' || true; } | cut -d'|' -f5- | paste -sd'|' -)
example_filters=$(echo "$mutants" | { grep '^example-' || true; } | cut -d'|' -f5- | paste -sd'|' -)
case "|$filters|" in *"||"*) echo "ci/mutants.sh: a mutant has no catching tests (an empty filter would match every test)" >&2; exit 1;; esac
# The mutants to run, in table order; each lane takes the next one nobody has taken (mkdir is
# the claim: it succeeds for one lane only) and writes its row to results/NAME.
rm -rf "$scratch/taken" "$scratch/results"
mkdir -p "$scratch/taken" "$scratch/results"
names=()
while IFS='|' read -r name _; do
  [ -z "$name" ] && continue
  if [ "${#selected[@]}" -gt 0 ] && [[ ! " ${selected[*]} " =~ " $name " ]]; then continue; fi
  names+=("$name")
done <<< "$mutants"

# No more lanes than mutants (a lane with none would still sync and build its copy).
if [ "${#names[@]}" -lt "$lanes" ]; then lanes=$(( ${#names[@]} > 0 ? ${#names[@]} : 1 )); fi
# The lanes' copies, built side by side.
# Usage: unbuilt COPY_FOLDER (shows its build log and ends the script)
unbuilt() { cat "$1/build.log" >&2; echo "ci/mutants.sh: the unmutated copy in $1 does not build" >&2; exit 1; }
build_pids=()
for lane in $(seq 0 $(( lanes - 1 ))); do
  mkdir -p "$scratch/lane$lane/src"
  sync_copy "$scratch/lane$lane"
  # Prepared in the background (ci/test.sh), the lanes build one at a time: the claims beside
  # them are timing-sensitive, and several compilers at once slowed their faults' iptables.
  if $prepare; then
    build_copy "$scratch/lane$lane" || unbuilt "$scratch/lane$lane"
  else
    build_copy "$scratch/lane$lane" & build_pids+=($!)
  fi
done
example_selected=false
for name in "${names[@]}"; do [[ "$name" != example-* ]] || example_selected=true; done
if $example_selected; then
  mkdir -p "$example_copy/src"
  sync_copy "$example_copy"
  if $prepare; then
    build_copy "$example_copy" || unbuilt "$example_copy"
  else
    build_copy "$example_copy" & example_pid=$!
  fi
fi
for lane in "${!build_pids[@]}"; do
  wait "${build_pids[$lane]}" || unbuilt "$scratch/lane$lane"
done
if [ -n "${example_pid:-}" ]; then
  wait "$example_pid" || unbuilt "$example_copy"
fi
echo "ci/mutants.sh: $lanes lanes synced and built unmutated in $(( $(date +%s) - started )) s"
if $prepare; then exit 0; fi
# INDOUBT_MUTANTS_BASELINE=passed: the caller (ci/test.sh, after its unit and claims steps
# passed on these same sources) already saw every catching test pass unmutated, so the
# baseline run would only repeat them (about 4 minutes).
if [ "${INDOUBT_MUTANTS_BASELINE:-run}" = passed ]; then
  echo "ci/mutants.sh: the catching tests passed unmutated in the caller's earlier steps: no baseline run"
else
  echo "ci/mutants.sh: running the catching tests unmutated"
  # The unmutated run is the one with a JUnit report (runs/junit/mutants*.xml): the mutants'
  # runs fail on purpose, and the table below is their report.
  indoubt_junit_args "mutants${INDOUBT_BACKEND:+-$INDOUBT_BACKEND}"
  run_tests "$scratch/lane0" "$filters" "${junit[@]}" || { tail -40 "$scratch/lane0/test.log" >&2; echo "ci/mutants.sh: the catching tests fail without a mutant" >&2; exit 1; }
  indoubt_junit_check "mutants${INDOUBT_BACKEND:+-$INDOUBT_BACKEND}" || exit 1
  if $example_selected; then
    run_tests "$example_copy" "$example_filters" || { tail -40 "$example_copy/test.log" >&2; echo "ci/mutants.sh: the example's catching tests fail without a mutant" >&2; exit 1; }
  fi
fi

# Usage: run_lane LANE_FOLDER
run_lane() {
  local lane=$1 copy name file old new filter t0 verdict
  while IFS='|' read -r name file old new filter; do
    [ -z "$name" ] && continue
    [[ " ${names[*]} " =~ " $name " ]] || continue
    mkdir "$scratch/taken/$name" 2>/dev/null || continue
    t0=$(date +%s)
    copy=$lane
    if [[ "$name" == example-* ]]; then copy=$example_copy; exec 8>"$scratch/example.lock"; flock 8; fi
    if ! mutate "$copy/src" "$file" "$old" "$new"; then
      verdict="NOT RUN: the text to mutate is not in $file exactly once (update this table)"
    elif ! build_copy "$copy"; then
      verdict="NOT RUN: the mutant does not build (see $copy/build.log)"
    elif run_tests "$copy" "$filter"; then
      verdict="SURVIVED: $filter all passed"
    else
      verdict=$(failed_tests "$copy"); [ -n "$verdict" ] || verdict="(swift test failed: $copy/test.log)"
    fi
    cp -p "$root/$file" "$copy/src/$file"
    if [ "$copy" = "$example_copy" ]; then flock -u 8; exec 8>&-; fi
    echo "ci/mutants.sh: $name: $verdict"
    echo "| $name | $verdict | $(( $(date +%s) - t0 )) |" > "$scratch/results/$name"
  done <<< "$mutants"
  # The copy's build is left with its last mutant: the next run's lane build above (in
  # ci/test.sh, in the background while the claims run) builds it back.
}
lane_pids=()
for lane in $(seq 0 $(( lanes - 1 ))); do
  run_lane "$scratch/lane$lane" & lane_pids+=($!)
done
for pid in "${lane_pids[@]}"; do wait "$pid" || true; done

status=0
table="| mutant | caught by | seconds |\n| --- | --- | --- |\n"
for name in "${names[@]}"; do
  if [ ! -f "$scratch/results/$name" ]; then
    row="| $name | NOT RUN: its lane ended first | 0 |"
  else
    row=$(cat "$scratch/results/$name")
  fi
  case "$row" in *"| NOT RUN"*|*"| SURVIVED"*) status=1;; esac
  table+="$row\n"
done

printf "\n$table"
echo "ci/mutants.sh: $(( $(date +%s) - started )) s, $lanes lanes"
[ "$status" -eq 0 ] && echo "ci/mutants.sh: every mutant was caught" || echo "ci/mutants.sh: a mutant survived" >&2
exit "$status"
