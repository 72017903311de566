import Foundation
import Testing
@testable import InDoubt

@Suite("Results JSON")
struct RunResultsTests {
    static let expectedKeys: Set<String> = [
        "total", "acknowledged", "survivors", "lost", "unacknowledged_found",
        "unacknowledged_elements", "ack_rate", "loss_rate", "unacknowledged_success_rate",
        "unexpected", "duplicates", "indeterminate", "unresolved", "misresolved",
        "postgres_version", "backend", "fault", "strategy", "clients", "duration_s",
        "writes_per_s", "client", "fenced", "driver", "lost_elements", "unexpected_elements", "duplicate_elements",
        "unresolved_elements", "misresolved_elements", "failed_but_present", "failed_but_present_elements", "read_then_lost", "read_then_lost_elements", "errored_applied",
        "errored_not_applied", "complete", "invariants_hold",
        "final_read_node", "promoted_node", "promotion_s", "failover_s", "first_ack_after_failover_s",
    ]

    let run = RunInfo(
        postgresVersion: "16.4", backend: "docker", fault: "ack-drop", strategy: "ledger",
        clients: 3, durationSeconds: 2.5)

    func anomalous() -> SetCheckResult {
        var history = HistoryBuilder()
        for element in 1...4 { history.write(element, .ok) }
        history.write(5, .fail)
        history.write(6, .info)
        history.write(7, .info)
        history.write(8, .info)
        history.resolve(6, .committed)
        history.resolve(7, .aborted)
        history.read([1, 1, 5, 7, 99])
        return history.check()
    }

    func object(_ results: RunResults) throws -> [String: Any] {
        let data = try results.jsonData()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the JSON has exactly the documented snake_case keys")
    func keys() throws {
        let json = try object(RunResults(result: anomalous(), run: run))
        #expect(Set(json.keys) == Self.expectedKeys)
        #expect(Set(RunResults.CodingKeys.allCases.map(\.stringValue)) == Self.expectedKeys)
    }

    @Test("counts and elements land under the right keys")
    func values() throws {
        let json = try object(RunResults(result: anomalous(), run: run, complete: false))
        #expect(json["total"] as? Int == 8)
        #expect(json["acknowledged"] as? Int == 4)
        #expect(json["lost"] as? Int == 3)
        #expect(json["lost_elements"] as? [Int] == [2, 3, 4])
        #expect(json["unacknowledged_found"] as? Int == 2)
        #expect(json["unacknowledged_elements"] as? [Int] == [5, 7])
        #expect(json["unexpected_elements"] as? [Int] == [99])
        #expect(json["duplicates"] as? Int == 1)
        let duplicates = try #require(json["duplicate_elements"] as? [[String: Int]])
        #expect(duplicates == [["element": 1, "count": 2]])
        #expect(json["indeterminate"] as? Int == 3)
        #expect(json["unresolved_elements"] as? [Int] == [8])
        #expect(json["misresolved_elements"] as? [Int] == [6, 7])
        #expect(json["failed_but_present"] as? Int == 1)
        #expect(json["failed_but_present_elements"] as? [Int] == [5])
        #expect(json["errored_applied"] as? Int == 2)
        #expect(json["errored_not_applied"] as? Int == 2)
        #expect(json["ack_rate"] as? Double == 0.5)
        #expect(json["writes_per_s"] as? Double == 3.2)
        #expect(json["postgres_version"] as? String == "16.4")
        #expect(json["strategy"] as? String == "ledger")
        #expect(json["clients"] as? Int == 3)
        #expect(json["duration_s"] as? Double == 2.5)
        #expect(json["complete"] as? Bool == false)
        #expect(json["invariants_hold"] as? Bool == false)
    }

    @Test("undefined rates are JSON null, not missing")
    func nullRates() throws {
        let noTime = RunInfo(
            postgresVersion: "15", backend: "netns", fault: "none", strategy: "naive",
            clients: 1, durationSeconds: 0)
        let results = RunResults(result: SetChecker.check([HistoryOperation]()), run: noTime)
        let json = try object(results)
        #expect(Set(json.keys) == Self.expectedKeys)
        for key in ["ack_rate", "loss_rate", "unacknowledged_success_rate", "writes_per_s"] {
            #expect(json[key] is NSNull, "\(key) should be null")
        }
        let text = try #require(String(data: try results.jsonData(), encoding: .utf8))
        #expect(text.contains("\"ack_rate\" : null"))
    }

    @Test("write then read gives the same results, pretty and sorted")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("results.json")
        let results = RunResults(result: SetChecker.check(ArticleRun.operations), run: run)
        try results.write(to: file)
        #expect(try RunResults.read(from: file) == results)

        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"ack_rate\" : 0.95,\n  \"acknowledged\" : 950,"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test("writing into a missing folder is an error that names the file")
    func writeError() throws {
        let file = URL(fileURLWithPath: "/nonexistent-indoubt-folder/results.json")
        let results = RunResults(result: SetChecker.check([HistoryOperation]()), run: run)
        let error = try #require(throws: ReportError.self) { try results.write(to: file) }
        #expect(error.description.contains("/nonexistent-indoubt-folder/results.json"))
    }

    @Test("reading something that is not results is an error that says so")
    func readError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("{\"total\": 3}", to: "results.json")
        let error = try #require(throws: ReportError.self) { try RunResults.read(from: file) }
        #expect(error.description.contains("not InDoubt results"))
        #expect(error.description.contains(file.path))
    }
}
