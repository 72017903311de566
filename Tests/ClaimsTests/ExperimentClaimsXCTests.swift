import InDoubt
import InDoubtTesting
import XCTest

/// Claim 2 through the XCTest fixture, on the backend INDOUBT_BACKEND selects.
final class ExperimentClaimsXCTests: ServerTestCase {
    func testClaim2UnacknowledgedWritesSurviveALostCommitAcknowledgement() async throws {
        let node = try target
        let run = try await ClaimRun.run(
            on: node, writes: 150,
            faults: [FaultSchedule(.dropCommitAck, start: .afterAcknowledged(40, alignedToCommit: true), duration: .seconds(1))],
            keepReport: true)
        // The report stays for a failing test; its path is in every failure message.
        addTeardownBlock { [testRun] in
            if testRun?.totalFailureCount == 0 { run.discardReport() }
        }
        let report = run.reportDescription
        let result = run.result
        XCTAssertTrue(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors); \(report)")
        XCTAssertGreaterThanOrEqual(result.unacknowledgedFound.count, 1, "no unacknowledged write survived; \(report)")
        XCTAssertEqual(result.lossRate, 0.0, report)
        XCTAssertEqual(result.lost, [], report)
        XCTAssertEqual(Set(result.unacknowledgedFound), run.unacknowledgedInTable, report)
        XCTAssertLessThan(result.ackRate ?? 1, 1.0, report)
        XCTAssertEqual(result.failedButPresent, [], report)
    }
}
