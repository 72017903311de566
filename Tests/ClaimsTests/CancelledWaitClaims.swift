import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Synchronous replication whose waits are cancelled, and reads of what a failover takes
/// back. A primary and one standby; the replication link is cut after 50 acknowledged
/// writes, a reader reads the whole set every 100 ms, and 4 s into the run the primary is
/// fenced and the standby promoted.
@Suite("Replication: cancelled synchronous waits and reads a failover takes back")
struct CancelledWaitClaims {
    static let failover = FaultSchedule(.failover, start: .afterTime(.seconds(4)), duration: nil)
    static let readInterval: Duration = .milliseconds(100)

    /// The writes answered `COMMIT` with the warning that the wait for the standby was
    /// cancelled, by element, whatever the client made of it (`info`, or `ok` with the warning).
    static func committedLocallyOnly(_ run: ClaimRun) -> Set<Int> {
        Set(run.lastCompletion.filter { _, completion in
            let text = completion.type == .ok ? completion.warning : completion.error
            return text?.contains("canceling wait for synchronous replication") == true
        }.keys)
    }

    /// The elements first invoked after `time`. A write invoked before the cut was in force
    /// may have had its WAL reach the standby and only the standby's confirmation cut: its
    /// wait is cancelled all the same, yet the failover keeps it.
    static func invoked(after time: Int64, _ run: ClaimRun) -> Set<Int> {
        var first: [Int: Int64] = [:]
        for operation in run.history where operation.f == .add && operation.type == .invoke {
            if let element = operation.value, first[element] == nil { first[element] = operation.time }
        }
        return Set(first.filter { $0.value > time }.keys)
    }

    /// The elements the reader's `ok` reads returned before `time`.
    static func read(before time: Int64, _ run: ClaimRun) -> Set<Int> {
        Set(run.history.filter { $0.f == .read && $0.type == .ok && $0.time < time }.flatMap { $0.values ?? [] })
    }

    /// Each `ok` read that ended before `time`: when it began, and what it returned.
    static func reads(endingBefore time: Int64, _ run: ClaimRun) -> [(invoked: Int64, values: Set<Int>)] {
        var began: [HistoryOperation.Process: Int64] = [:]
        var reads: [(invoked: Int64, values: Set<Int>)] = []
        for operation in run.history where operation.f == .read {
            if operation.type == .invoke {
                began[operation.process] = operation.time
            } else if let invoked = began.removeValue(forKey: operation.process), operation.type == .ok, operation.time < time {
                reads.append((invoked, Set(operation.values ?? [])))
            }
        }
        return reads
    }

    /// The run both R3 claims make: a client that cancels at its 1 s deadline.
    static func runCancelling(_ client: ClientProfile, _ claim: ClaimContext) async throws -> ClaimRun {
        try await claim.run(writes: 150, timeout: .seconds(1), faults: [ReplicationClaims.cut, failover],
                            client: client, readInterval: readInterval)
    }

    static let cancelledWaitsEndInfo = Claim(
        "R3: with synchronous replication, a COMMIT whose wait the client cancels at its deadline answers success with a warning; "
            + "InDoubt records it info, the reader sees it on the old primary, and the failover takes it back",
        server: .replicated(Replication(standbys: 1, mode: .sync(.on)), settings: [:])
    ) { claim in
        let run = try await runCancelling(.cancelling, claim)
        let result = run.result
        let (cutInForce, failover) = try ReplicationClaims.expectTheFailover(run, claim)

        // The situation: COMMITs came back with the warning, and the client recorded each info.
        let cancelled = committedLocallyOnly(run)
        claim.expect(cancelled.count >= 5, "only \(cancelled.count) COMMITs came back with the warning")
        for element in cancelled.sorted() {
            let completion = run.lastCompletion[element]
            claim.expectEqual(completion?.type, .info, "element \(element): \(completion?.error ?? "")")
            claim.expect(completion?.error?.contains("WARNING 01000") == true, "element \(element): \(completion?.error ?? "")")
            claim.expect(completion.map { $0.time < failover.time } == true, "element \(element) ended after the failover")
        }
        // Committed on the old primary, and visible there before its answer left: every read
        // of the old primary that began after such a write ended returned it. (Causality, not
        // a margin of time: on a loaded machine the reads come late, never without it.)
        let oldPrimaryReads = reads(endingBefore: failover.time, run)
        var settled: Set<Int> = []
        var missed: Set<Int> = []
        for element in cancelled {
            let ended = run.lastCompletion[element]!.time
            for read in oldPrimaryReads where read.invoked > ended {
                settled.insert(element)
                if !read.values.contains(element) { missed.insert(element) }
            }
        }
        claim.expect(!settled.isEmpty, "no read of the old primary began after a cancelled write ended")
        claim.expectEqual(missed, [], "committed locally and answered, yet a later read of the old primary missed them")
        // Gone after the failover (each invoked once the cut was in force), yet never
        // acknowledged: lost stays 0.
        let cancelledAfterCut = cancelled.intersection(invoked(after: cutInForce.time, run))
        claim.expect(cancelledAfterCut.count >= 5, "only \(cancelledAfterCut.count) cancelled writes were invoked after the cut")
        claim.expectEqual(cancelledAfterCut.intersection(run.tableElements), [], "a write committed on the old primary only survived the failover")
        claim.expectEqual(result.lost, [])
        claim.expectEqual(run.outcome.results.lost, 0)
        claim.expect(result.indeterminate.count >= cancelled.count, "indeterminate: \(result.indeterminate.count)")
        // R5 for unacknowledged writes: the checker names what the reads returned and the
        // failover took back (computed here without the checker).
        let readThenLost = read(before: Int64.max, run).subtracting(run.tableElements).sorted()
        claim.expect(!Set(readThenLost).isDisjoint(with: cancelled), "no cancelled write was read")
        claim.expectEqual(result.readThenLost, readThenLost)
        claim.expectEqual(run.outcome.results.readThenLostElements, readThenLost)
        claim.expect(!result.invariantsHold, "a read of a write the failover took back kept the invariants")
        print("R3 measured: \(cancelled.count) COMMITs answered with the warning, all info; \(settled.count) read on the old primary, "
              + "0 on the new one; lost 0, read then lost \(readThenLost.count); \(failover.evidence ?? "")")
    }

    static let trustingClientLosesWrites = Claim(
        "R3: a client that trusts the COMMIT's tag and ignores the warning counts those writes acknowledged, and the failover loses them",
        server: .replicated(Replication(standbys: 1, mode: .sync(.on)), settings: [:])
    ) { claim in
        let run = try await runCancelling(.trusting, claim)
        let result = run.result
        let (cutInForce, failover) = try ReplicationClaims.expectTheFailover(run, claim)

        let trusted = committedLocallyOnly(run)
        claim.expect(trusted.count >= 5, "only \(trusted.count) COMMITs came back with the warning")
        for element in trusted.sorted() {
            claim.expectEqual(run.lastCompletion[element]?.type, .ok, "element \(element): \(run.lastCompletion[element]?.error ?? "")")
        }
        // Each invoked once the cut was in force is acknowledged, and gone: lost, named; and
        // nothing but such trusted writes was lost.
        let lostIndependently = claim.expectLostAsTheTableSays(run, "the trusting client lost nothing")
        let trustedAfterCut = trusted.intersection(invoked(after: cutInForce.time, run))
        claim.expect(trustedAfterCut.count >= 5, "only \(trustedAfterCut.count) trusted writes were invoked after the cut")
        claim.expectEqual(trustedAfterCut.subtracting(lostIndependently), [], "trusted after the cut, yet not lost")
        claim.expectEqual(Set(lostIndependently).subtracting(trusted), [], "lost, yet not trusted despite the warning")
        print("R3 trusting measured: \(trusted.count) COMMITs with the warning counted acknowledged, \(result.lost.count) lost, "
              + "loss rate \(RateFormat.string(result.lossRate)); \(failover.evidence ?? "")")
    }

    static let readsOfLostWritesAreNamed = Claim(
        "R5: with asynchronous replication, a reader on the old primary saw acknowledged writes the new primary does not have, "
            + "and the checker names each as read, then lost",
        server: .replicated(Replication(standbys: 1, mode: .async), settings: [:])
    ) { claim in
        // Asynchronous writes are fast (200 took 70 ms), so the reader reads every 20 ms, and
        // at least 550 writes lie between the cut and the failover: with 200, a plain swift
        // test (every claim at once) once saw its reader's only read in the window return a
        // snapshot taken before the cut. And the failover waits for a read invoked after the
        // cut, with 1,000 writes to spare for it: a loaded process once held its reader
        // 340 ms, past the whole window, and once took 590 ms for its first read, longer than
        // 800 writes.
        let run = try await claim.run(writes: 1600, timeout: .seconds(1), faults: [
            ReplicationClaims.cut,
            FaultSchedule(.failover, start: .afterAcknowledged(600, alignedToCommit: true), duration: nil, afterReadSince: .replicationCut),
        ], readInterval: .milliseconds(20))
        let result = run.result
        let (cutInForce, failover) = try ReplicationClaims.expectTheFailover(run, claim)

        let seenOnOldPrimary = read(before: failover.time, run)
        let readThenLost = seenOnOldPrimary.subtracting(run.tableElements)
        claim.expect(!readThenLost.isEmpty, "the old primary's reads returned nothing the failover took back")
        claim.expect(!read(after: cutInForce.time, before: failover.time, run).isEmpty, "no read while the link was cut")
        // Nothing read after the failover was lost: the new primary's reads are its own.
        claim.expectEqual(read(after: failover.time, before: Int64.max, run).subtracting(run.tableElements), [],
                          "a read of the new primary returned something its final read lacks")
        claim.expectEqual(result.readThenLost, readThenLost.sorted())
        claim.expectEqual(run.outcome.results.readThenLost, readThenLost.count)
        // They were acknowledged, so they are lost too; the lost ones nobody read are not.
        claim.expect(readThenLost.isSubset(of: Set(result.lost)), "read then lost, yet not lost: \(readThenLost.subtracting(result.lost).sorted())")
        claim.expect(run.outcome.summary.text.contains("read, then lost"), "the summary does not name them")
        print("R5 measured: \(readThenLost.count) elements read on the old primary, then lost, of \(result.lost.count) lost; "
              + "\(failover.evidence ?? "")")
    }

    /// The elements `ok` reads returned at a time in `(start, end)`.
    static func read(after start: Int64, before end: Int64, _ run: ClaimRun) -> Set<Int> {
        Set(run.history.filter { $0.f == .read && $0.type == .ok && $0.time > start && $0.time < end }.flatMap { $0.values ?? [] })
    }

    @Test("R3: with synchronous replication, a COMMIT whose wait the client cancels at its deadline answers success with a warning; InDoubt records it info, the reader sees it on the old primary, and the failover takes it back")
    func cancelledWaitsEndInfo() async throws { try await Self.cancelledWaitsEndInfo.verify() }

    @Test("R3: a client that trusts the COMMIT's tag and ignores the warning counts those writes acknowledged, and the failover loses them")
    func trustingClientLosesWrites() async throws { try await Self.trustingClientLosesWrites.verify() }

    @Test("R5: with asynchronous replication, a reader on the old primary saw acknowledged writes the new primary does not have, and the checker names each as read, then lost")
    func readsOfLostWritesAreNamed() async throws { try await Self.readsOfLostWritesAreNamed.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class CancelledWaitClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: CancelledWaitClaimsXCTests.self, [
        "testR3CancelledWaitsEndInfo": CancelledWaitClaims.cancelledWaitsEndInfo,
        "testR3TrustingClientLosesWrites": CancelledWaitClaims.trustingClientLosesWrites,
        "testR5ReadsOfLostWritesAreNamed": CancelledWaitClaims.readsOfLostWritesAreNamed,
    ], plan: { XCTestClaimPlan.plan })

    func testR3CancelledWaitsEndInfo() async throws { try await Self.claims.verify() }
    func testR3TrustingClientLosesWrites() async throws { try await Self.claims.verify() }
    func testR5ReadsOfLostWritesAreNamed() async throws { try await Self.claims.verify() }
}
