import Foundation
import InDoubt
import Testing

/// The claim runner: runs an experiment against a server with its history in a temporary
/// folder, then reads the table back over a fresh connection and the history back from the
/// file, independently of the checker, so a claim can compare the two. In Swift Testing the
/// report files (results.json, summary.txt, timeline.html, history.jsonl) are attached to
/// the test; in XCTest pass `keepReport` and put ``reportDescription`` in the messages.
///
/// ```swift
/// @Test(.postgresServer())
/// func lostAcknowledgementsAreFound() async throws {
///     let run = try await ClaimRun.run(on: try ServerFixture.require(), writes: 150, faults: [
///         FaultSchedule(.dropCommitAck, start: .afterAcknowledged(40, alignedToCommit: true), duration: .seconds(1)),
///     ])
///     #expect(Set(run.result.unacknowledgedFound) == run.unacknowledgedInTable)
/// }
/// ```
public struct ClaimRun: Sendable {
    public let outcome: Experiment.Outcome
    /// Every element in `set_app`, read over a fresh connection after the run.
    public let tableElements: [Int]
    /// Elements the history records as acknowledged (`:ok`), read from history.jsonl.
    public let acknowledgedInHistory: Set<Int>
    /// Every completion of a write, by element, read from history.jsonl.
    public let completions: [Int: [HistoryOperation.Kind]]
    /// Every operation of history.jsonl, in order.
    public let history: [HistoryOperation]
    /// The node the run wrote to (for further independent reads).
    public let node: any ExperimentTarget

    /// The run's report folder (history.jsonl, results.json, summary.txt, timeline.html),
    /// when the caller asked to keep it.
    public let reportFolder: URL?

    public var result: SetCheckResult { outcome.result }

    /// Runs the experiment. The report files are attached to the Swift Testing test; with
    /// `keepReport` (for XCTest, which has no attachments) the folder is kept and its path
    /// returned, for the failure messages; ``discardReport()`` removes it.
    public static func run(
        on node: any ExperimentTarget, writes: Int, clients: Int = 5, timeout: Duration = .milliseconds(500),
        faults: [FaultSchedule], strategy: any CommitStrategy = NaiveStrategy(), keepReport: Bool = false,
        fence: Bool = true, client: ClientProfile = .application, retryBudget: Duration = .seconds(30),
        readInterval: Duration? = nil, driver: DatabaseDriver = .libpq
    ) async throws -> ClaimRun {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-report-\(UUID().uuidString)")
        defer { if !keepReport { try? FileManager.default.removeItem(at: folder) } }
        var configuration = ExperimentConfiguration(
            writes: writes, clients: clients, timeout: timeout, retryBudget: retryBudget, faults: faults, strategy: strategy,
            client: client, fence: fence)
        configuration.outputFolder = folder
        configuration.readInterval = readInterval
        configuration.driver = driver
        let outcome = try await Experiment(configuration: configuration, target: node).run()

        let history = try HistoryReader.read(RunFolder(folder).history)
        var completions: [Int: [HistoryOperation.Kind]] = [:]
        for operation in history.operations where operation.f == .add && operation.type != .invoke {
            if let element = operation.value { completions[element, default: []].append(operation.type) }
        }
        let acknowledged = Set(completions.filter { $0.value.contains(.ok) }.keys)

        let reader = try await PostgresConnection.connect(node.connectionOptions(applicationName: "claim-reader"), deadline: .after(.seconds(10)))
        defer { reader.close() }
        let rows = try await reader.query("SELECT element FROM set_app", deadline: .after(.seconds(10))).rows
        let run = ClaimRun(
            outcome: outcome, tableElements: try rows.map { try $0.int(0) },
            acknowledgedInHistory: acknowledged, completions: completions, history: history.operations, node: node,
            reportFolder: keepReport ? folder : nil)
        run.attachReport(from: folder)
        return run
    }

    /// The table's elements that the history never acknowledged, computed without the checker.
    public var unacknowledgedInTable: Set<Int> { Set(tableElements).subtracting(acknowledgedInHistory) }

    /// The last completion (`.ok`, `.fail`, `.info`) of each element's write, from history.jsonl.
    public var lastCompletion: [Int: HistoryOperation] {
        var last: [Int: HistoryOperation] = [:]
        for operation in history where operation.f == .add && operation.type != .invoke {
            if let element = operation.value { last[element] = operation }
        }
        return last
    }

    /// The `.resolve` operations of history.jsonl, by element (the last one wins, as in the checker).
    public var resolveOperations: [Int: HistoryOperation] {
        var resolutions: [Int: HistoryOperation] = [:]
        for operation in history where operation.f == .resolve {
            if let element = operation.value { resolutions[element] = operation }
        }
        return resolutions
    }

    /// Runs `sql` over a fresh connection to the node, after the run.
    public func query(_ sql: String) async throws -> [PostgresRow] {
        try await Self.query(sql, on: node)
    }

    /// Runs `sql` over a fresh connection to `node`, within 10 s.
    static func query(_ sql: String, on node: any ExperimentTarget) async throws -> [PostgresRow] {
        let connection = try await PostgresConnection.connect(
            node.connectionOptions(applicationName: "claim-query"), deadline: .after(.seconds(10)))
        defer { connection.close() }
        return try await connection.query(sql, deadline: .after(.seconds(10))).rows
    }

    /// Prints the summary and attaches the report files to the running Swift Testing test,
    /// so a CI user can see what happened (`swift test --attachments-path DIR` keeps them;
    /// ci/test.sh passes runs/attachments).
    private func attachReport(from folder: URL) {
        print(outcome.summary.text)
        guard Test.current != nil else { return }
        for name in RunFolder.reportFileNames {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                Attachment.record(Array(data), named: name)
            }
        }
    }

    /// Where the report is, for an XCTest failure message.
    public var reportDescription: String {
        reportFolder.map { "report: \($0.path) (timeline.html, history.jsonl, results.json)" } ?? ""
    }

    /// Removes a kept report folder (after a passing test).
    public func discardReport() {
        if let reportFolder { try? FileManager.default.removeItem(at: reportFolder) }
    }
}
