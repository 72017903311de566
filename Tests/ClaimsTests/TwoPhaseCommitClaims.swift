import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Claim 8's own case: PREPARE acknowledged, then COMMIT PREPARED lost. The transaction
/// stays prepared; it outlives its session, so the fence does not end it; the resolver
/// finds it in `pg_prepared_xacts` and finishes it.
@Suite("Two-phase commit: the second phase in doubt")
struct TwoPhaseCommitClaims {
    static func lostCommitPrepared(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 8: a write whose COMMIT PREPARED was lost stays prepared; the resolver finds it, commits it once, leaves none prepared",
              server: .selected(settings: TwoPhaseCommitStrategy.requiredSettings)) { claim in
            let pin = try await SecondPhaseInDoubt.run(claim, fault: fault)
            let result = pin.run.result
            claim.expect(pin.run.outcome.faultsApplied, "the fault never started: \(pin.run.outcome.faultErrors)")
            // The write held at the gate: its PREPARE succeeded, its COMMIT PREPARED went into the fault.
            claim.expectEqual(pin.held?.type, .info, "element \(SecondPhaseInDoubt.heldElement)")
            claim.expect(pin.held?.error?.hasPrefix(SecondPhaseInDoubt.preparedMarker) == true, "its error: \(pin.held?.error ?? "none")")
            // The resolver found it prepared and committed it; the table has it once.
            claim.expectEqual(pin.heldVerdict?.resolution, .committed)
            claim.expect(pin.heldVerdict?.evidence?.contains(SecondPhaseInDoubt.foundPreparedMarker) == true,
                         "the resolver's evidence: \(pin.heldVerdict?.evidence ?? "none")")
            claim.expectEqual(pin.heldCopies, 1, "element \(SecondPhaseInDoubt.heldElement) in the table")
            claim.expectEqual(result.unresolved, [])
            claim.expectEqual(result.misresolved, [])
            claim.expectEqual(pin.run.outcome.results.unresolved, 0)
            claim.expectEqual(pin.run.outcome.results.misresolved, 0)
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
            claim.expectEqual(pin.leftPrepared, 0, "prepared transactions were left behind")
        }
    }

    @Test("Claim 8: a write whose COMMIT PREPARED was lost stays prepared; the resolver finds it, commits it once, leaves none prepared",
          arguments: [Fault.Kind.dropRequests, .partition])
    func lostCommitPrepared(fault: Fault.Kind) async throws { try await Self.lostCommitPrepared(fault).verify() }
}

/// The same claim through XCTest.
final class TwoPhaseCommitClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: TwoPhaseCommitClaimsXCTests.self, [
        "testClaim8LostCommitPreparedDropRequests": TwoPhaseCommitClaims.lostCommitPrepared(.dropRequests),
        "testClaim8LostCommitPreparedPartition": TwoPhaseCommitClaims.lostCommitPrepared(.partition),
    ], plan: { XCTestClaimPlan.plan })

    func testClaim8LostCommitPreparedDropRequests() async throws { try await Self.claims.verify() }
    func testClaim8LostCommitPreparedPartition() async throws { try await Self.claims.verify() }
}

/// One 2pc run whose aligned fault starts after a PREPARE succeeded, right before its
/// COMMIT PREPARED, and what it shows of that write: read from history.jsonl, the table and
/// `pg_prepared_xacts`, not from the checker.
///
/// One client, so that the write held at the gate is known and no other client's write
/// can stand in for it by luck: elements go in order, and the fault is due once 40 are
/// acknowledged, so element 40 is the one held.
struct SecondPhaseInDoubt {
    /// The write held at the gate.
    static let heldElement = 40
    /// What the strategy says of a write whose PREPARE succeeded and whose outcome it lost.
    static let preparedMarker = "PREPARE TRANSACTION succeeded, then COMMIT PREPARED failed"
    /// The resolver's evidence for a transaction it found prepared and committed.
    static let foundPreparedMarker = "was prepared; the resolver committed it"

    let run: ClaimRun
    /// The held write's completion.
    let held: HistoryOperation?
    /// The resolver's verdict on it.
    let heldVerdict: HistoryOperation?
    /// How many rows it has in the table.
    let heldCopies: Int
    /// `SELECT count(*) FROM pg_prepared_xacts` after the run.
    let leftPrepared: Int

    /// Runs 60 writes under `fault`, aligned to the gate before COMMIT PREPARED, for 3.5 s:
    /// the client gives up after 500 ms and its kernel retransmits COMMIT PREPARED about 0.2,
    /// 0.6, 1.4, 3 and 6.2 s after sending it (see ``ResolutionClaims/atCommit(_:)``), so
    /// none gets through before the heal. The few writes left after the heal end well before
    /// the next one, and the fence, which terminates the session, comes first: the
    /// transaction is still prepared when the resolver looks.
    static func run(_ claim: ClaimContext, fault: Fault.Kind) async throws -> SecondPhaseInDoubt {
        let run = try await claim.run(
            writes: 60, clients: 1,
            faults: [FaultSchedule(fault, start: .afterAcknowledged(heldElement, alignedToCommit: true), duration: .milliseconds(3500))],
            strategy: TwoPhaseCommitStrategy(gateBefore: .commitPrepared))
        // No row at all reads as -1, which the claim's "0 left" refuses.
        let left = try await claim.query("SELECT count(*) FROM pg_prepared_xacts").first?.int(0) ?? -1
        return SecondPhaseInDoubt(
            run: run, held: run.lastCompletion[heldElement], heldVerdict: run.resolveOperations[heldElement],
            heldCopies: run.tableElements.count { $0 == heldElement }, leftPrepared: left)
    }
}
