import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Replication and failover: the commits a failover takes back. A primary and one standby;
/// the replication link is cut while the writes go on, then the primary is fenced and the
/// standby promoted; the clients, the fence and the final read follow the new primary.
@Suite("Replication: what a failover takes back")
struct ReplicationClaims {
    /// The cut comes after 50 acknowledged writes, and the next COMMIT waits until its rules
    /// are in force in both namespaces (tens of milliseconds, in which an asynchronous
    /// workload would otherwise write hundreds more).
    static let cut = FaultSchedule(.replicationCut, start: .afterAcknowledged(50, alignedToCommit: true), duration: nil)

    /// When a fault's start took effect (`start-fault ok`) and its operation, from the history.
    static func started(_ kind: Fault.Kind, in run: ClaimRun, _ claim: ClaimContext) throws -> HistoryOperation {
        try claim.require(run.history.first { $0.f == .startFault && $0.type == .ok && $0.fault == kind.rawValue },
                          "\(kind.rawValue) never took effect: \(run.outcome.faultErrors)")
    }

    /// When the nemesis began a fault (`start-fault invoke`), from the history.
    static func invoked(_ kind: Fault.Kind, in run: ClaimRun, _ claim: ClaimContext) throws -> HistoryOperation {
        try claim.require(run.history.first { $0.f == .startFault && $0.type == .invoke && $0.fault == kind.rawValue },
                          "\(kind.rawValue) was never begun")
    }

    /// The situation both claims are about, checked first: the cut took effect, then the
    /// failover fenced n1 and promoted n2, and the final read came from n2. Returns the
    /// cut's and the failover's `start-fault ok` operations.
    static func expectTheFailover(_ run: ClaimRun, _ claim: ClaimContext) throws -> (cut: HistoryOperation, failover: HistoryOperation) {
        claim.expect(run.outcome.faultsApplied, "a fault never started: \(run.outcome.faultErrors)")
        let cutInForce = try started(.replicationCut, in: run, claim)
        let failover = try started(.failover, in: run, claim)
        claim.expect(cutInForce.time < failover.time, "the failover came before the cut")
        claim.expect(failover.evidence?.contains("n1 fenced, n2 promoted") == true, "failover: \(failover.evidence ?? "no evidence")")
        let cluster = try claim.require(claim.server as? any TopologyTarget, "the claim needs a replicated cluster")
        claim.expectEqual(cluster.primaryName, "n2", "the final read must come from the promoted standby")
        return (cutInForce, failover)
    }

    /// Elements whose last completion is `.ok` at a time in `window`.
    static func acknowledged(in window: ClosedRange<Int64>, _ run: ClaimRun) -> Set<Int> {
        Set(run.lastCompletion.filter { $0.value.type == .ok && window.contains($0.value.time) }.keys)
    }

    static let asyncFailoverLosesAcknowledgedWrites = Claim(
        "R1: with asynchronous replication, a failover after the replication link was cut loses acknowledged writes, and the checker names them",
        server: .replicated(Replication(standbys: 1, mode: .async), settings: [:])
    ) { claim in
        // The failover comes after 200 acknowledged writes, also at a COMMIT: the clients wait
        // while it fences and promotes, so that the writes after it go to the new primary
        // instead of failing fast against the fenced one.
        let writes = 400
        let run = try await claim.run(writes: writes, timeout: .seconds(1), faults: [
            cut, FaultSchedule(.failover, start: .afterAcknowledged(200, alignedToCommit: true), duration: nil),
        ])
        let result = run.result
        let (cutInForce, failover) = try expectTheFailover(run, claim)

        // Acknowledged by the old primary, absent from the new one: computed without the checker.
        let lostIndependently = claim.expectLostAsTheTableSays(run, "the failover took back no acknowledged write")
        // They were acknowledged by the old primary while the link was cut, before the failover;
        // what the new primary acknowledged is all there.
        let whileCut = acknowledged(in: cutInForce.time...failover.time, run)
        claim.expect(!whileCut.intersection(lostIndependently).isEmpty, "no write acknowledged while the link was cut was lost")
        let lostLater = Set(lostIndependently).subtracting(acknowledged(in: 0...failover.time, run)).sorted()
        claim.expectEqual(lostLater, [], "acknowledged after the failover, yet lost (ms after it: "
            + "\(lostLater.map { (run.lastCompletion[$0]!.time - failover.time) / 1_000_000 }))")
        claim.expectEqual(result.unexpected, [])
        let afterFailover = acknowledged(in: failover.time...Int64.max, run)
        claim.expect(!afterFailover.isEmpty, "the new primary acknowledged no write")
        claim.expect(afterFailover.isSubset(of: Set(run.tableElements)), "a write the new primary acknowledged is missing")
        print("R1 measured: \(lostIndependently.count) of \(result.acknowledged) acknowledged writes lost, loss rate "
              + "\(RateFormat.string(result.lossRate)); \(failover.evidence ?? "")")
    }

    static let syncFailoverLosesNothingAcknowledged = Claim(
        "R2: with synchronous replication, the same faults lose no acknowledged write, and the writes in flight at the cut end info",
        server: .replicated(Replication(standbys: 1, mode: .sync(.on)), settings: [:])
    ) { claim in
        // A synchronous COMMIT waits while the link is cut: acknowledgements stop, so the
        // failover comes at a time, 3 s into the run.
        let run = try await claim.run(writes: 200, timeout: .seconds(1), faults: [
            cut, FaultSchedule(.failover, start: .afterTime(.seconds(3)), duration: nil),
        ])
        let result = run.result
        let (cutInForce, failover) = try expectTheFailover(run, claim)

        claim.expectEqual(result.lost, [])
        claim.expectEqual(run.outcome.results.lost, 0)
        claim.expectEqual(run.acknowledgedInHistory.subtracting(run.tableElements), [], "acknowledged, yet not on the new primary")
        // The writes invoked while the link was cut, and done before the failover began (once
        // it fences the primary, a write that has not sent its COMMIT yet fails), waited for
        // the standby until their deadline: info, and the failover took them back.
        let failoverBegan = try invoked(.failover, in: run, claim)
        let inFlight = run.history.filter { $0.f == .add && $0.type == .invoke && $0.time > cutInForce.time }
            .compactMap(\.value)
            .filter { element in run.lastCompletion[element].map { $0.time < failoverBegan.time } == true }
        claim.expect(!inFlight.isEmpty, "no write was in flight while the link was cut")
        for element in inFlight {
            claim.expectEqual(run.lastCompletion[element]?.type, .info, "element \(element): \(run.lastCompletion[element]?.error ?? "")")
        }
        claim.expectEqual(Set(inFlight).intersection(run.tableElements), [], "a write in flight at the cut reached the new primary")
        claim.expect(result.ackRate.map { $0 < 1.0 } == true, "ack rate \(RateFormat.string(result.ackRate))")
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        print("R2 measured: 0 of \(result.acknowledged) acknowledged writes lost, \(inFlight.count) in flight at the cut ended info; "
              + "\(failover.evidence ?? "")")
    }

    @Test("R1: with asynchronous replication, a failover after the replication link was cut loses acknowledged writes, and the checker names them")
    func asyncFailoverLosesAcknowledgedWrites() async throws { try await Self.asyncFailoverLosesAcknowledgedWrites.verify() }

    @Test("R2: with synchronous replication, the same faults lose no acknowledged write, and the writes in flight at the cut end info")
    func syncFailoverLosesNothingAcknowledged() async throws { try await Self.syncFailoverLosesNothingAcknowledged.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class ReplicationClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: ReplicationClaimsXCTests.self, [
        "testR1AsyncFailoverLosesAcknowledgedWrites": ReplicationClaims.asyncFailoverLosesAcknowledgedWrites,
        "testR2SyncFailoverLosesNothingAcknowledged": ReplicationClaims.syncFailoverLosesNothingAcknowledged,
    ], plan: { XCTestClaimPlan.plan })

    func testR1AsyncFailoverLosesAcknowledgedWrites() async throws { try await Self.claims.verify() }
    func testR2SyncFailoverLosesNothingAcknowledged() async throws { try await Self.claims.verify() }
}
