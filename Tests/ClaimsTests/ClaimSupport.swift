import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Runs an experiment against a node with its history in a temporary folder, and reads the
/// table and the history back independently of the checker.
struct ClaimRun {
    let outcome: Experiment.Outcome
    /// Every element in `set_app`, read over a fresh connection after the run.
    let tableElements: [Int]
    /// Elements the history records as acknowledged (`:ok`), read from history.jsonl.
    let acknowledgedInHistory: Set<Int>
    /// Every completion of a write, by element, read from history.jsonl.
    let completions: [Int: [HistoryOperation.Kind]]
    /// Every operation of history.jsonl, in order.
    let history: [HistoryOperation]
    /// The node the run wrote to (for further independent reads).
    let node: any ExperimentTarget

    var result: SetCheckResult { outcome.result }

    static func run(
        on node: any ExperimentTarget, writes: Int, clients: Int = 5, timeout: Duration = .milliseconds(500),
        faults: [FaultSchedule], strategy: any CommitStrategy = NaiveStrategy()
    ) async throws -> ClaimRun {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-claim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ExperimentConfiguration(
            writes: writes, clients: clients, timeout: timeout, faults: faults, strategy: strategy)
        configuration.outputFolder = folder
        let outcome = try await Experiment(configuration: configuration, target: node).run()

        let history = try HistoryReader.read(folder.appendingPathComponent("history.jsonl"))
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
            acknowledgedInHistory: acknowledged, completions: completions, history: history.operations, node: node)
        run.attachReport()
        return run
    }

    /// The table's elements that the history never acknowledged, computed without the checker.
    var unacknowledgedInTable: Set<Int> { Set(tableElements).subtracting(acknowledgedInHistory) }

    /// The last completion (`.ok`, `.fail`, `.info`) of each element's write, from history.jsonl.
    var lastCompletion: [Int: HistoryOperation] {
        var last: [Int: HistoryOperation] = [:]
        for operation in history where operation.f == .add && operation.type != .invoke {
            if let element = operation.value { last[element] = operation }
        }
        return last
    }

    /// The `.resolve` operations of history.jsonl, by element (the last one wins, as in the checker).
    var resolveOperations: [Int: HistoryOperation] {
        var resolutions: [Int: HistoryOperation] = [:]
        for operation in history where operation.f == .resolve {
            if let element = operation.value { resolutions[element] = operation }
        }
        return resolutions
    }

    /// Runs `sql` over a fresh connection to the node, after the run.
    func query(_ sql: String) async throws -> [PostgresRow] {
        let connection = try await PostgresConnection.connect(
            node.connectionOptions(applicationName: "claim-query"), deadline: .after(.seconds(10)))
        defer { connection.close() }
        return try await connection.query(sql, deadline: .after(.seconds(10))).rows
    }

    /// Prints and attaches the summary and results, so a CI user can see the numbers.
    func attachReport() {
        print(outcome.summary.text)
        if let json = try? outcome.results.jsonData() {
            Attachment.record(Array(json), named: "results.json")
        }
        Attachment.record(outcome.summary.text, named: "summary.txt")
    }
}
