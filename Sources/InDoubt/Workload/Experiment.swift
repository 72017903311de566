import Foundation
import Synchronization

/// The article's experiment, end to end: clients write one element per transaction while
/// the nemesis cuts the network; after the heal, the fencing of every session the clients
/// used, the strategy's resolution of the indeterminate writes (one `.resolve` history
/// operation per verdict), then the final read and the checker's verdict.
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
        /// For an unfenced run: how long it waited after the resolution for the clients'
        /// sockets to drain, and how many still held unacknowledged data at the final read
        /// (0 unless the wait timed out). `nil` for a fenced run.
        public var drain: Drain?
        /// The writes that completed `.info`, with their strategy tokens, in element order.
        public var indeterminateWrites: [IndeterminateWrite]
        /// The strategy's verdicts on them, by element (empty for a strategy that resolves
        /// nothing).
        public var verdicts: [Int: ResolutionVerdict]
        /// Why the resolution step failed, if it did (its writes are then recorded as
        /// `unknown`).
        public var resolutionError: String?
        /// What the strategy found of its own on the server after the final read
        /// (``CommitStrategy/leftovers(admin:deadline:)``): transactions prepared after its
        /// resolution, say.
        public var leftovers: [String]
        /// The in-memory history (only without an output folder).
        public var operations: [HistoryOperation]
        /// The harness process's CPU time (user plus system, every thread) while the clients
        /// wrote: what the bench divides by the writes to compare the client with pgbench.
        public var writePhaseCPU: Duration = .zero
    }

    /// How an unfenced run waited for late COMMITs before its final read.
    public struct Drain: Sendable, Hashable {
        /// From the end of the resolution to the final read.
        public var waited: Duration
        /// Client sockets still holding unacknowledged data at the final read.
        public var pendingAtFinalRead: Int
    }

    /// The parameters.
    public var configuration: ExperimentConfiguration
    /// The server.
    public var target: any ExperimentTarget
    /// Called with every history operation as it happens (for progress output).
    public var observer: (@Sendable (HistoryOperation) -> Void)?
    /// A random tag in every client session's `application_name`
    /// (`indoubt-client-N-INCARNATION`), so that the fence, and a client restarted from an
    /// intent log, can find exactly this run's sessions by name.
    public let incarnation: String

    /// The `application_name` of client `client`'s sessions.
    public func sessionName(client: Int) -> String { "indoubt-client-\(client)-\(incarnation)" }

    /// The `application_name` of every session this experiment's clients and its reader
    /// open: what the fence terminates. By name, not by the backend pids a driver reports,
    /// so that the fence works the same through every driver, and on the server it reads
    /// only (`pg_stat_activity` lists that server's sessions).
    public var sessionNames: Set<String> {
        Set((0..<configuration.clients).map { sessionName(client: $0) } + [readerName])
    }

    private var readerName: String { "indoubt-reader-\(incarnation)" }

    /// Creates an experiment.
    public init(configuration: ExperimentConfiguration, target: any ExperimentTarget,
                observer: (@Sendable (HistoryOperation) -> Void)? = nil) {
        self.configuration = configuration
        self.target = target
        self.observer = observer
        self.incarnation = String(UInt64.random(in: 0..<(1 << 40)), radix: 16)
    }

    /// Runs the experiment. Faults are healed before it returns, whatever happens.
    public func run() async throws -> Outcome {
        let configuration = self.configuration
        try configuration.validate()
        let postgresVersion = try await setUp()

        // One stream, one analysis: the checker's verdict and, for a run folder, the timeline.
        let analysis = Mutex(Analysis(timeline: configuration.outputFolder != nil))
        let observer = self.observer
        let historyFile = configuration.outputFolder?.appendingPathComponent(RunFolder.historyFileName)
        if let folder = configuration.outputFolder {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        // The analysis consumes under the recorder's lock, in history order: its own lock is
        // then never contended by the clients.
        let history = try HistoryRecorder(
            file: historyFile, observer: observer,
            consumer: { operation in analysis.withLock { $0.consume(operation) } })
        defer { history.close() }
        let nemesis = Nemesis(target: target, schedules: configuration.faults, history: history)
        let ports = ClientPorts()
        let finished = Atomic<Bool>(false)

        let started = ContinuousClock.now
        let cpuAtStart = ProcessCPUTime.ofProcess()
        async let faults: Void = nemesis.run(until: { finished.load(ordering: .relaxed) })
        let writesDone = Atomic<Bool>(false)
        async let reads: Void = readWhileWriting(history: history, nemesis: nemesis, ports: ports, until: { writesDone.load(ordering: .relaxed) })
        let indeterminate = await withTaskGroup(of: [IndeterminateWrite].self) { group in
            for client in 0..<configuration.clients {
                group.addTask {
                    await writeAll(client: client, history: history, nemesis: nemesis, ports: ports)
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let duration = started.duration(to: .now)
        let writePhaseCPU = ProcessCPUTime.ofProcess() - cpuAtStart
        finished.store(true, ordering: .relaxed)
        writesDone.store(true, ordering: .relaxed)
        await faults
        await reads
        await nemesis.healAll()

        let inDoubt = indeterminate.sorted { $0.element < $1.element }
        let settled = try await settle(history: history, ports: ports, inDoubt: inDoubt)
        history.close()
        let info = RunInfo(
            postgresVersion: postgresVersion, backend: target.backendName, fault: configuration.faultName,
            strategy: configuration.strategy.name, clients: configuration.clients,
            durationSeconds: duration.seconds,
            client: configuration.client.rawValue, fenced: configuration.fence,
            driver: configuration.driver.description)
        let conclusion = analysis.withLock { $0.conclude(run: info, complete: true) }
        if let folder = configuration.outputFolder {
            try conclusion.store(in: RunFolder(folder))
        }
        return Outcome(
            result: conclusion.result, results: conclusion.results, summary: conclusion.summary, historyFile: historyFile,
            faultsApplied: nemesis.appliedAll, faultErrors: nemesis.errors, fencedSessions: settled.fenced, drain: settled.drain,
            indeterminateWrites: inDoubt, verdicts: settled.verdicts, resolutionError: settled.resolutionError,
            leftovers: settled.leftovers,
            operations: history.operations, writePhaseCPU: writePhaseCPU)
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
            if let topology = target as? any TopologyTarget {
                try await topology.waitUntilStandbysReplayed(deadline: deadline)
            }
            return version
        } catch {
            throw ExperimentError.setup(String(describing: error))
        }
    }

    /// One client's share of the elements, dealt round robin; returns the writes that
    /// completed `.info`, with their strategy tokens.
    private func writeAll(
        client: Int, history: HistoryRecorder, nemesis: Nemesis, ports: ClientPorts
    ) async -> [IndeterminateWrite] {
        // The client runs on its own serial queue, and so does its connection's blocking
        // work: a round trip costs no thread hand-off.
        let executor = SerialQueueExecutor(label: "indoubt.client.\(client)")
        return await withTaskExecutorPreference(executor) {
            await writeAll(client: client, history: history, nemesis: nemesis, ports: ports, executor: executor)
        }
    }

    private func writeAll(
        client: Int, history: HistoryRecorder, nemesis: Nemesis, ports: ClientPorts, executor: SerialQueueExecutor
    ) async -> [IndeterminateWrite] {
        var indeterminate: [IndeterminateWrite] = []
        let (target, name, profile) = (self.target, sessionName(client: client), configuration.client)
        let session = ClientSession(
            client: client, options: { target.connectionOptions(applicationName: name).with(profile) },
            ports: ports, executor: executor, driver: configuration.driver,
            beforeConnect: { await nemesis.beforeConnect() })
        defer { session.reset() }
        // A write's completion goes into the history with the client's next invoke, in one
        // append (one lock, one write(2)); only then is it counted as acknowledged, so that
        // no fault it triggers is recorded before it.
        var completed: HistoryOperation?
        func record(_ next: HistoryOperation?) {
            history.append([completed, next].compactMap { $0 })
            if completed?.type == .ok { nemesis.acknowledged() }
            completed = nil
        }
        for element in stride(from: client, to: configuration.writes, by: configuration.clients) {
            record(HistoryOperation(index: 0, time: 0, process: .client(client), type: .invoke, f: .add, value: element))
            let context = WriteContext(
                element: element, client: client, session: session, deadline: .after(configuration.timeout),
                timeout: configuration.timeout, retryDeadline: .after(configuration.retryBudget),
                beforeCommit: { await nemesis.beforeCommit() })
            let completion = await configuration.strategy.write(context)
            completed = HistoryOperation(
                index: 0, time: 0, process: .client(client), type: completion.type, f: .add, value: element,
                error: completion.error, warning: completion.warning, attempt: completion.attempts)
            if completion.type == .info {
                indeterminate.append(IndeterminateWrite(element: element, client: client, token: completion.token))
            }
        }
        if completed != nil { record(nil) }
        return indeterminate
    }

    /// With a ``ExperimentConfiguration/readInterval``: reads the whole set that often, as
    /// process `clients + 1` (the fencer and the final reader are `clients`), until `done`.
    /// A read that fails is recorded `fail` (a read changes nothing) and its connection
    /// replaced.
    private func readWhileWriting(
        history: HistoryRecorder, nemesis: Nemesis, ports: ClientPorts, until done: @Sendable () -> Bool
    ) async {
        guard let interval = configuration.readInterval else { return }
        let (target, name, profile, timeout) = (self.target, readerName, configuration.client, configuration.timeout)
        let process = HistoryOperation.Process.client(configuration.clients + 1)
        let session = ClientSession(
            client: configuration.clients + 1, options: { target.connectionOptions(applicationName: name).with(profile) },
            ports: ports)
        defer { session.reset() }
        while !done() {
            let invoked = ContinuousClock.now
            history.append(process: process, type: .invoke, f: .read)
            do {
                let deadline = Deadline.after(timeout)
                let connection = try await session.connection(deadline: deadline)
                let rows = try await connection.query("SELECT element FROM set_app ORDER BY id", deadline: deadline).rows
                history.append(process: process, type: .ok, f: .read, values: try rows.map { try $0.int(0) })
                nemesis.readReturned(invokedAt: invoked)
            } catch {
                session.reset()
                history.append(process: process, type: .fail, f: .read, error: String(describing: error))
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// What happened between the heal and the final read.
    private struct Settlement {
        var fenced = 0
        var drain: Drain?
        var verdicts: [Int: ResolutionVerdict] = [:]
        var resolutionError: String?
        var leftovers: [String] = []
    }

    /// After the heal: fence the clients' sessions (terminate them and wait until they are
    /// gone, so that no late COMMIT can land), let the strategy resolve the indeterminate
    /// writes, then read the whole set. Unfenced, the final read waits until no client socket
    /// holds unacknowledged data, so that a late COMMIT has landed by then. Connection trouble is retried until
    /// ``ExperimentConfiguration/finalReadTimeout``; a resolver that keeps failing is given
    /// up on after three tries (its writes are recorded `unknown`), the final read is not.
    private func settle(history: HistoryRecorder, ports: ClientPorts, inDoubt: [IndeterminateWrite]) async throws -> Settlement {
        let deadline = Deadline.after(configuration.finalReadTimeout)
        var settlement = Settlement()
        var resolved = false
        var resolveFailures: [String] = []
        var lastError: any Error = ExperimentError.finalRead("no attempt")
        while !deadline.hasPassed {
            do {
                let attempt = Deadline.after(.seconds(10)).earliest(deadline)
                // The node this connection reaches: after a failover, the promoted one.
                let readNode = target.targetName
                let adminOptions = target.connectionOptions(applicationName: "indoubt-reader")
                let admin = try await PostgresConnection.connect(adminOptions, deadline: attempt)
                defer { admin.close() }
                if configuration.fence {
                    let fencer = HistoryOperation.Process.client(configuration.clients)
                    history.append(process: fencer, type: .invoke, f: .fence)
                    let terminated = try await Fence.terminate(applicationNames: sessionNames, via: admin, deadline: attempt)
                    settlement.fenced += terminated
                    history.append(process: fencer, type: .ok, f: .fence, value: terminated)
                }
                if !resolved {
                    do {
                        settlement.verdicts = try await configuration.strategy.resolve(inDoubt, admin: admin, deadline: attempt)
                        record(settlement.verdicts, for: inDoubt, in: history)
                        resolved = true
                    } catch {
                        resolveFailures.append(String(describing: error))
                        guard resolveFailures.count >= 3 else { throw error }
                        let reason = resolveFailures.joined(separator: "; ")
                        settlement.resolutionError = reason
                        settlement.verdicts = Dictionary(
                            inDoubt.map { ($0.element, ResolutionVerdict.unknown("the resolver failed: \(reason)")) },
                            uniquingKeysWith: { first, _ in first })
                        recordFailure(reason, for: inDoubt, in: history)
                        resolved = true
                    }
                }
                if !configuration.fence, settlement.drain == nil {
                    settlement.drain = await drainClientSockets(ports: ports.all, deadline: Deadline.after(configuration.drainTimeout).earliest(deadline))
                }
                let reader = HistoryOperation.Process.client(configuration.clients)
                history.append(process: reader, type: .invoke, f: .read)
                do {
                    let rows = try await admin.query("SELECT element FROM set_app ORDER BY id", deadline: attempt).rows
                    history.append(process: reader, type: .ok, f: .read, values: try rows.map { try $0.int(0) }, node: readNode)
                } catch {
                    history.append(process: reader, type: .fail, f: .read, error: String(describing: error))
                    throw error
                }
                do {
                    settlement.leftovers = try await configuration.strategy.leftovers(admin: admin, deadline: attempt)
                } catch {
                    settlement.leftovers = ["could not look for leftovers: \(error)"]
                }
                return settlement
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw ExperimentError.finalRead(String(describing: lastError))
    }

    /// Waits until no socket of this process's namespace holds data for the server that it
    /// has not acknowledged (checked every 50 ms, and twice in a row, so that a
    /// retransmission that just landed has been processed), or until `deadline`.
    private func drainClientSockets(ports: Set<Int>, deadline: Deadline) async -> Drain {
        let started = ContinuousClock.now
        var quietChecks = 0
        var pending = 0
        while quietChecks < 2 && !deadline.hasPassed {
            pending = target.pendingSends(in: .current(), clientPorts: ports).count
            quietChecks = pending == 0 ? quietChecks + 1 : 0
            try? await Task.sleep(for: .milliseconds(50))
        }
        return Drain(waited: started.duration(to: .now), pendingAtFinalRead: pending)
    }

    /// One `.resolve` operation per verdict, by the client that wrote the element: `.ok`
    /// for committed or aborted, `.info` for unknown; the evidence in `evidence`.
    private func record(_ verdicts: [Int: ResolutionVerdict], for writes: [IndeterminateWrite], in history: HistoryRecorder) {
        for write in writes {
            guard let verdict = verdicts[write.element] else { continue }
            history.append(
                process: .client(write.client), type: verdict.resolution == .unknown ? .info : .ok, f: .resolve,
                value: write.element, evidence: verdict.evidence, resolution: verdict.resolution)
        }
    }

    /// A `.fail` `.resolve` operation, resolution `unknown`, for every write of a resolver
    /// that kept failing: no evidence, the resolver's errors in `error`.
    private func recordFailure(_ reason: String, for writes: [IndeterminateWrite], in history: HistoryRecorder) {
        for write in writes {
            history.append(
                process: .client(write.client), type: .fail, f: .resolve, value: write.element,
                error: "the resolver failed: \(reason)", resolution: .unknown)
        }
    }
}
