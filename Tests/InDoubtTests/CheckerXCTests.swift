import Foundation
import XCTest
@testable import InDoubt

/// A few checks in XCTest, so that both test frameworks run in this target.
final class CheckerXCTests: XCTestCase {
    func testArticleRunNumbers() {
        let result = SetChecker.check(ArticleRun.operations)
        XCTAssertEqual(result.total, 1000)
        XCTAssertEqual(result.acknowledged, 950)
        XCTAssertEqual(result.survivors, 952)
        XCTAssertEqual(result.unacknowledgedFound, [215, 218])
        XCTAssertEqual(RateFormat.string(result.unacknowledgedSuccessRate), "0.002105263")
        XCTAssertEqual(Summary(result).articleLines.joined(separator: "\n"), ArticleRun.summary)
    }

    func testLostWriteBreaksInvariants() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .ok)
        history.read([2])
        let result = history.check()
        XCTAssertEqual(result.lost, [1])
        XCTAssertEqual(result.lossRate, 0.5)
        XCTAssertFalse(result.invariantsHold)
    }

    func testRecorderRoundTripThroughReader() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        recorder.append(process: .client(0), type: .invoke, f: .add, value: 5)
        recorder.append(process: .client(0), type: .info, f: .add, value: 5, error: "lost")
        recorder.append(process: .client(1), type: .ok, f: .read, values: [5])
        recorder.close()
        let history = try HistoryReader.read(file)
        XCTAssertFalse(history.truncated)
        let result = SetChecker.check(history.operations)
        XCTAssertEqual(result.indeterminate, [5])
        XCTAssertEqual(result.erroredApplied, [5])
    }
}
