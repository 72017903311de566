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
    @Test("Claim 8: a write whose COMMIT PREPARED was lost stays prepared; the resolver finds it, commits it once, leaves none prepared",
          .postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings), arguments: [Fault.Kind.dropRequests, .partition])
    func lostCommitPrepared(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        let pin = try await SecondPhaseInDoubt.run(on: node, fault: fault)
        let result = pin.run.result
        #expect(pin.run.outcome.faultsApplied, "the fault never started: \(pin.run.outcome.faultErrors)")
        // The write held at the gate: its PREPARE succeeded, its COMMIT PREPARED went into the fault.
        #expect(pin.held?.type == .info, "element \(SecondPhaseInDoubt.heldElement) completed \(pin.held?.type.rawValue ?? "never")")
        #expect(pin.held?.error?.hasPrefix(SecondPhaseInDoubt.preparedMarker) == true, "its error: \(pin.held?.error ?? "none")")
        // The resolver found it prepared and committed it; the table has it once.
        #expect(pin.heldVerdict?.resolution == .committed)
        #expect(pin.heldVerdict?.evidence?.contains(SecondPhaseInDoubt.foundPreparedMarker) == true,
                "the resolver's evidence: \(pin.heldVerdict?.evidence ?? "none")")
        #expect(pin.heldCopies == 1, "element \(SecondPhaseInDoubt.heldElement) is in the table \(pin.heldCopies) times")
        #expect(result.unresolved.isEmpty)
        #expect(result.misresolved.isEmpty)
        #expect(pin.run.outcome.results.unresolved == 0)
        #expect(pin.run.outcome.results.misresolved == 0)
        #expect(result.invariantsHold)
        #expect(pin.leftPrepared == 0, "prepared transactions were left behind")
    }
}

/// The same claim through the XCTest fixture.
final class TwoPhaseCommitClaimsXCTests: ServerTestCase {
    override var serverSettings: [String: String] { TwoPhaseCommitStrategy.requiredSettings }

    func testClaim8AWriteWhoseCommitPreparedWasLostIsFoundAndCommittedByTheResolver() async throws {
        let pin = try await SecondPhaseInDoubt.run(on: try target, fault: .dropRequests, keepReport: true)
        addTeardownBlock { [testRun] in
            if testRun?.totalFailureCount == 0 { pin.run.discardReport() }
        }
        let report = pin.run.reportDescription
        let result = pin.run.result
        XCTAssertTrue(pin.run.outcome.faultsApplied, "the fault never started: \(pin.run.outcome.faultErrors); \(report)")
        XCTAssertEqual(pin.held?.type, .info, report)
        XCTAssertTrue(pin.held?.error?.hasPrefix(SecondPhaseInDoubt.preparedMarker) == true,
                      "its error: \(pin.held?.error ?? "none"); \(report)")
        XCTAssertEqual(pin.heldVerdict?.resolution, .committed, report)
        XCTAssertTrue(pin.heldVerdict?.evidence?.contains(SecondPhaseInDoubt.foundPreparedMarker) == true,
                      "the resolver's evidence: \(pin.heldVerdict?.evidence ?? "none"); \(report)")
        XCTAssertEqual(pin.heldCopies, 1, report)
        XCTAssertEqual(result.unresolved, [], report)
        XCTAssertEqual(result.misresolved, [], report)
        XCTAssertTrue(result.invariantsHold, report)
        XCTAssertEqual(pin.leftPrepared, 0, "prepared transactions were left behind; \(report)")
    }
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
    static func run(on node: any ExperimentTarget, fault: Fault.Kind, keepReport: Bool = false) async throws -> SecondPhaseInDoubt {
        let run = try await ClaimRun.run(
            on: node, writes: 60, clients: 1,
            faults: [FaultSchedule(fault, start: .afterAcknowledged(heldElement, alignedToCommit: true), duration: .milliseconds(3500))],
            strategy: TwoPhaseCommitStrategy(gateBefore: .commitPrepared), keepReport: keepReport)
        // No row at all reads as -1, which the claim's "0 left" refuses.
        let left = try await run.query("SELECT count(*) FROM pg_prepared_xacts").first?.int(0) ?? -1
        return SecondPhaseInDoubt(
            run: run, held: run.lastCompletion[heldElement], heldVerdict: run.resolveOperations[heldElement],
            heldCopies: run.tableElements.count { $0 == heldElement }, leftPrepared: left)
    }
}
