import Foundation
import Synchronization

/// The article's experiment, end to end: clients write one element per transaction while
/// the nemesis cuts the network, then, after the heal and the fencing of orphaned
/// sessions, a final read and the checker's verdict.
public struct Experiment: Sendable {
    /// What the run did and found.
    public struct Outcome: Sendable {
        /// The checker's verdict.
        public var result: SetCheckResult
        /// `results.json`'s content.
        public var results: RunResults
        /// The summary, in the article's words.
        public var summary: Summary
        /// The history file, when written to disk.
        public var historyFile: URL?
        /// Whether every scheduled fault was applied.
        public var faultsApplied: Bool
        /// Problems applying or healing faults.
        public var faultErrors: [String]
        /// How many orphaned server sessions had to be terminated before the final read.
        public var fencedSessions: Int
        /// The in-memory history (only without an output folder).
        public var operations: [HistoryOperation]
    }

    /// The parameters.
    public var configuration: ExperimentConfiguration
    /// The server.
    public var target: any ExperimentTarget
    /// Called with every history operation as it happens (for progress output).
    public var observer: (@Sendable (HistoryOperation) -> Void)?

    /// Creates an experiment.
    public init(configuration: ExperimentConfiguration, target: any ExperimentTarget,
                observer: (@Sendable (HistoryOperation) -> Void)? = nil) {
        self.configuration = configuration
        self.target = target
        self.observer = observer
    }

    /// Runs the experiment. Faults are healed before it returns, whatever happens.
    public func run() async throws -> Outcome {
        let configuration = self.configuration
        try configuration.validate()
        let postgresVersion = try await setUp()

        let checker = Mutex(SetChecker())
        let observer = self.observer
        let historyFile = configuration.outputFolder?.appendingPathComponent(HistoryRecorder.defaultFileName)
        if let folder = configuration.outputFolder {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let history = try HistoryRecorder(file: historyFile) { operation in
            checker.withLock { $0.consume(operation) }
            observer?(operation)
        }
        defer { history.close() }
        let nemesis = Nemesis(target: target, schedules: configuration.faults, history: history)
        let backends = BackendRegistry()
        let finished = Atomic<Bool>(false)

        let started = ContinuousClock.now
        async let faults: Void = nemesis.run(until: { finished.load(ordering: .relaxed) })
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<configuration.clients {
                group.addTask {
                    await writeAll(client: client, history: history, nemesis: nemesis, backends: backends)
                }
            }
        }
        let duration = started.duration(to: .now)
        finished.store(true, ordering: .relaxed)
        await faults
        await nemesis.healAll()

        let fenced = try await finalRead(history: history, backends: backends)
        history.close()
        let result = checker.withLock { $0.result() }
        let info = RunInfo(
            postgresVersion: postgresVersion, backend: target.backendName, fault: configuration.faultName,
            strategy: configuration.strategy.name, clients: configuration.clients,
            durationSeconds: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        let results = RunResults(result: result, run: info, complete: true)
        let summary = Summary(result, complete: true)
        if let folder = configuration.outputFolder {
            try results.write(to: folder.appendingPathComponent("results.json"))
            try summary.text.write(to: folder.appendingPathComponent("summary.txt"), atomically: true, encoding: .utf8)
        }
        return Outcome(
            result: result, results: results, summary: summary, historyFile: historyFile,
            faultsApplied: nemesis.appliedAll, faultErrors: nemesis.errors, fencedSessions: fenced,
            operations: history.operations)
    }

    /// Creates a fresh `set_app` table and the strategy's tables; returns the server version.
    private func setUp() async throws -> String {
        do {
            let deadline = Deadline.after(.seconds(15))
            let admin = try await PostgresConnection.connect(target.connectionOptions(applicationName: "indoubt-setup"), deadline: deadline)
            defer { admin.close() }
            let version = try await admin.query("SHOW server_version", deadline: deadline).rows.first?.string(0) ?? "unknown"
            _ = try await admin.query(
                "DROP TABLE IF EXISTS set_app; CREATE TABLE set_app (id serial PRIMARY KEY, element int NOT NULL)",
                deadline: deadline)
            try await configuration.strategy.prepare(admin, deadline: deadline)
            return version
        } catch {
            throw ExperimentError.setup(String(describing: error))
        }
    }

    /// One client's share of the elements, dealt round robin.
    private func writeAll(client: Int, history: HistoryRecorder, nemesis: Nemesis, backends: BackendRegistry) async {
        let session = ClientSession(
            client: client, options: target.connectionOptions(applicationName: "indoubt-client-\(client)"),
            backends: backends)
        defer { session.reset() }
        for element in stride(from: client, to: configuration.writes, by: configuration.clients) {
            history.append(process: .client(client), type: .invoke, f: .add, value: element)
            let context = WriteContext(
                element: element, session: session, deadline: .after(configuration.timeout),
                beforeCommit: { await nemesis.beforeCommit() })
            let completion = await configuration.strategy.write(context)
            history.append(process: .client(client), type: completion.type, f: .add, value: element, error: completion.error)
            if completion.type == .ok { nemesis.acknowledged() }
        }
    }

    /// After the heal: fence the clients' sessions, then read the whole set.
    private func finalRead(history: HistoryRecorder, backends: BackendRegistry) async throws -> Int {
        let deadline = Deadline.after(configuration.finalReadTimeout)
        var lastError: any Error = ExperimentError.finalRead("no attempt")
        while !deadline.hasPassed {
            do {
                let attempt = Deadline.after(.seconds(5)).earliest(deadline)
                let admin = try await PostgresConnection.connect(target.connectionOptions(applicationName: "indoubt-reader"), deadline: attempt)
                defer { admin.close() }
                let fenced = try await Fence.terminate(backends.all, via: admin, deadline: attempt)
                let reader = HistoryOperation.Process.client(configuration.clients)
                history.append(process: reader, type: .invoke, f: .read)
                do {
                    let rows = try await admin.query("SELECT element FROM set_app ORDER BY id", deadline: attempt).rows
                    history.append(process: reader, type: .ok, f: .read, values: try rows.map { try $0.int(0) })
                } catch {
                    history.append(process: reader, type: .fail, f: .read, error: String(describing: error))
                    throw error
                }
                return fenced
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw ExperimentError.finalRead(String(describing: lastError))
    }
}
