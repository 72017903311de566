import Foundation
import InDoubt
import InDoubtTesting
import XCTest

/// The late COMMIT through the XCTest fixture: unfenced, the ledger's verdict "aborted" is
/// contradicted by a COMMIT that lands after it; fenced, every verdict holds.
final class LateCommitXCTests: ServerTestCase {
    func testUnfencedLedgerMisresolvesALateCommitAndTheFencedOneDoesNot() async throws {
        let node = try target
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-late-commit-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }

        let unfenced = try await ClaimRun.run(
            on: node, writes: LateCommitClaims.writes, faults: LateCommitClaims.lostRequests,
            strategy: LedgerStrategy(intentLog: log), keepReport: true, fence: false)
        addTeardownBlock { [testRun] in if testRun?.totalFailureCount == 0 { unfenced.discardReport() } }
        let report = unfenced.reportDescription
        XCTAssertTrue(unfenced.outcome.faultsApplied, "the fault never started; \(report)")
        XCTAssertFalse(unfenced.result.indeterminate.isEmpty, "no write ended info; \(report)")
        XCTAssertEqual(unfenced.outcome.drain?.pendingAtFinalRead, 0, "the final read came before the sockets drained; \(report)")
        let table = Set(unfenced.tableElements)
        let contradicted = unfenced.resolveOperations.filter { $0.value.resolution == .aborted && table.contains($0.key) }.map(\.key)
        XCTAssertFalse(contradicted.isEmpty, "no late COMMIT landed after the verdict; \(report)")
        XCTAssertEqual(unfenced.result.misresolved, contradicted.sorted(), report)
        XCTAssertFalse(unfenced.result.invariantsHold, report)

        let fenced = try await ClaimRun.run(
            on: node, writes: LateCommitClaims.writes, faults: LateCommitClaims.lostRequests,
            strategy: LedgerStrategy(intentLog: log), keepReport: true)
        addTeardownBlock { [testRun] in if testRun?.totalFailureCount == 0 { fenced.discardReport() } }
        XCTAssertFalse(fenced.result.indeterminate.isEmpty, "no write ended info; \(fenced.reportDescription)")
        XCTAssertGreaterThanOrEqual(fenced.outcome.fencedSessions, 1, fenced.reportDescription)
        try await Task.sleep(for: .seconds(4))
        let later = Set(try await fenced.query("SELECT element FROM set_app").map { try $0.int(0) })
        for element in fenced.result.indeterminate {
            XCTAssertEqual(fenced.resolveOperations[element]?.resolution, later.contains(element) ? .committed : .aborted,
                           "element \(element); \(fenced.reportDescription)")
        }
        XCTAssertEqual(fenced.result.misresolved, [], fenced.reportDescription)
        XCTAssertEqual(fenced.result.unresolved, [], fenced.reportDescription)
        XCTAssertTrue(fenced.result.invariantsHold, fenced.reportDescription)
    }
}
