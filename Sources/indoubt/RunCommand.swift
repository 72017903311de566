import ArgumentParser
import Foundation
import InDoubt

/// `indoubt run`: the article's experiment, end to end, with progress and a summary.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Write elements in transactions while the network fails, then count what the client and the server disagree on.",
        discussion: """
            With no options this is the article's run: 1000 writes from 5 clients over a slow link, \
            a partition at a random moment, a heal, then the final read. Exit code 0 when nothing \
            acknowledged was lost and nothing unexpected was read, 1 when that fails, 2 on bad input.
            """
    )

    @Option(help: "How many elements to write, one transaction each.")
    var writes: Int = 1000

    @Option(help: "How many concurrent clients (elements are dealt round robin).")
    var clients: Int = 5

    @Option(help: ArgumentHelp(
        "The fault: \(Self.singleNodeFaults.map(\.rawValue).joined(separator: ", ")) (default partition); with --standbys: \(ReplicatedRunPlan.faultKinds.map(\.rawValue).joined(separator: ", ")), none (default replication-cut).",
        discussion: (Self.singleNodeFaults + ReplicatedRunPlan.faultKinds).filter { $0 != .none }.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")))
    var fault: String?

    @Option(help: ArgumentHelp(
        "When the fault starts: a number of acknowledged writes (250) or a time (2s). Default: a random moment between 10% and 50% of the writes for partition, after a quarter of the writes otherwise."))
    var faultAfter: String?

    @Option(help: "How long the fault lasts before the heal (500ms, 2s). Default: 2s; with --standbys and a failover, until the writes end.")
    var faultFor: String?

    @Option(help: "A soak run: start the fault again this often (5s), each time for --fault-for, until the writes end. Each cycle is a start-fault/stop-fault pair in the history.")
    var faultCycle: String?

    @Option(help: "Run on a primary with N streaming standbys, each node in its own namespace (with --backend compose: one standby, each node a container with its own fault sidecar). Default fault: replication-cut after an eighth of the writes, then a failover after half of them (claim R1).")
    var standbys: Int?

    @Option(help: "With --standbys: \(ReplicatedRunPlan.modes.map(\.name).joined(separator: ", ")) replication (default async).")
    var replication: String?

    @Flag(inversion: .prefixedNo, help: "With --standbys: after the fault, fence the primary and promote the standby that replayed the most; clients, resolver and final read follow it. Default: on when there is a fault.")
    var failover: Bool?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Hold the next COMMIT until the fault is in force, so the fault hits the commit window every time. Default: on for one-way faults, off for partition."))
    var alignCommit: Bool?

    @Option(help: "Slow the server's link with tc tbf for the whole run (e.g. 128kbit), or 'none'. Default: 256kbit with partition (the article's procedure), none otherwise.")
    var slow: String?

    @Option(help: "Each write's client-side deadline (500ms, 1s).")
    var timeout: String = "1s"

    @Option(help: ArgumentHelp(
        "The commit strategy: \(StrategyCatalog.names.joined(separator: ", ")).",
        discussion: StrategyCatalog.entries.map { "\($0.name): \($0.summary)" }.joined(separator: "\n")))
    var strategy: String = "naive"

    @Option(help: ArgumentHelp(
        "How the clients treat their TCP connections: \(ClientProfile.allCases.map(\.rawValue).joined(separator: ", ")).",
        discussion: ClientProfile.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")))
    var client: String = ClientProfile.application.rawValue

    @Option(help: ArgumentHelp(
        "The client library the workload goes through: \(DatabaseDriver.allCases.map(\.rawValue).joined(separator: ", ")).",
        discussion: "libpq: the harness's own client, with its deadlines. postgres-nio: vapor/postgres-nio \(DatabaseDriver.postgresNIOVersion), "
            + "with the adapter's deadline; only in a build with the package trait PostgresNIO (swift build --traits PostgresNIO). "
            + "The set-up, the fence, the resolution and the final read always use libpq."))
    var driver: String = DatabaseDriver.libpq.rawValue

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Terminate the clients' sessions, and wait for them, before resolving (the default). --no-fence shows the trap: a COMMIT retransmitted after the heal lands after the resolver's verdict."))
    var fence = true

    @Option(help: "How long a retrying strategy (retry, retry-commit, idempotent) keeps retrying one write.")
    var retryFor: String = "30s"

    @Option(help: "A reader reads the whole set this often (100ms) while the writes go on; the checker names what a read returned and the final read lacks (read, then lost). Default: only the final read.")
    var readEvery: String?

    @Option(help: "PostgreSQL major version (e.g. 15) or the path of a bin folder. Default: $INDOUBT_PG, else the newest installed.")
    var pg: String?

    @Option(help: RunServer.help)
    var backend: String?

    @Option(help: "With --backend compose: the PostgreSQL image (postgres:16, ...). Default: $INDOUBT_PG_IMAGE, else indoubt/postgres:15 (bash ci/build-images.sh).")
    var pgImage: String?

    @Option(help: "Run against the node `indoubt serve --describe FILE` keeps, instead of starting one (so that this run can be killed while the server outlives it).")
    var server: String?

    @Option(help: "Folder for history.jsonl, results.json and summary.txt. Default: runs/<time>-<fault>.")
    var out: String?

    @Flag(help: "Print only the summary, not each write.")
    var quiet = false

    func validate() throws {
        let (configuration, replication) = try plan(folder: URL(fileURLWithPath: out ?? defaultFolder(), isDirectory: true))
        if (backend ?? ServerBackendCatalog.defaultBackend.name) == ComposeBackend.name, configuration.faults.contains(where: { $0.kind == .clientCut }) {
            throw ValidationError("--fault client-cut is built for the netns backend only (on compose the clients come through Docker's port proxy): drop --backend compose, or choose another --fault")
        }
        if let server {
            guard replication == nil else {
                throw ValidationError("--server uses the one node `indoubt serve` keeps: drop --standbys to use it, or drop --server to start a primary with standbys")
            }
            _ = try RunServer.served(server, backend: backend, pg: pg, pgImage: pgImage)
        } else {
            _ = try RunServer.backend(backend, pg: pg, pgImage: pgImage, replication: replication)
        }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: out ?? defaultFolder(), isDirectory: true)
        var (configuration, replication) = try plan(folder: folder)
        configuration.outputFolder = folder
        let source: ExperimentTest.Server
        if let server {
            source = .running(try RunServer.served(server, backend: backend, pg: pg, pgImage: pgImage))
        } else {
            source = .start(try await RunServer.ready(
                RunServer.backend(backend, pg: pg, pgImage: pgImage, replication: replication)))
        }
        let printer = ProgressPrinter()
        var observer: (@Sendable (HistoryOperation) -> Void)?
        if !quiet { observer = { @Sendable operation in printer.observe(operation) } }
        var interrupt: InterruptHandler?
        defer { interrupt?.cancel() }
        let outcome: Experiment.Outcome
        do {
            outcome = try await ExperimentTest(server: source, configuration: configuration).run(observer: observer) { cluster in
                try prepare(folder, for: cluster, configuration: configuration)
                interrupt = InterruptHandler {
                    // Faults live in the node's namespace or container: removing it heals them and stops the server.
                    cluster.copyServerLogs(to: folder)
                    ServerBackendCatalog.shutdownAllNow()
                    if let partial = try? RunCheck.check(folder) {
                        print("")
                        print(partial.summary.text, terminator: "")
                        partial.notes.forEach { print("note: \($0)") }
                    }
                    print("interrupted: faults healed, server stopped; partial history and results (complete: false) in \(folder.path)")
                    fflush(nil)
                }
                print(cluster.description)
                print("\(configuration.writes) writes, \(configuration.clients) \(configuration.client.rawValue) clients on \(configuration.driver), strategy \(configuration.strategy.name)"
                      + (configuration.fence ? "" : ", UNFENCED") + ", faults: "
                      + (configuration.faults.isEmpty ? "none" : configuration.faults.map(\.description).joined(separator: "; ")))
            }
        } catch ExperimentTest.Failure.serverDidNotStart(let error as ClusterError) {
            // The machine is not as the harness needs it: say what to do, exit 2.
            throw CLIError(error.description)
        } catch ExperimentTest.Failure.runFailed(let error as CLIError) {
            printer.flush()
            throw error
        } catch {
            printer.flush()
            throw CLIError(String(describing: error))
        }
        printer.flush()
        print("")
        print("Writes completed in \(String(format: "%.3f", outcome.results.durationS)) seconds")
        print("")
        print(outcome.summary.text, terminator: "")
        if !outcome.faultsApplied {
            print("warning: not every fault was applied (\(outcome.faultErrors.joined(separator: "; ")))")
        }
        if outcome.fencedSessions > 0 {
            print("fenced \(outcome.fencedSessions) orphaned server session(s) before resolving and the final read")
        }
        if let drain = outcome.drain {
            print("unfenced: waited \(String(format: "%.1f", drain.waited.seconds)) s after the resolution for the clients' sockets to drain"
                  + (drain.pendingAtFinalRead > 0 ? "; \(drain.pendingAtFinalRead) still held unacknowledged data at the final read" : ""))
        }
        for leftover in outcome.leftovers {
            print("warning: left on the server: \(leftover)")
        }
        if let error = outcome.resolutionError {
            print("warning: the \(configuration.strategy.name) resolver failed: \(error)")
        }
        print("run folder: \(folder.path) (history.jsonl, results.json, summary.txt, timeline.html, server logs)")
        if !outcome.result.invariantsHold { throw ExitCode(1) }
    }

    /// The run folder's first files: results.json saying the run is incomplete (what a killed
    /// run leaves) and, for a served node, its description (for `indoubt resolve`).
    private func prepare(_ folder: URL, for cluster: RunningServer, configuration: ExperimentConfiguration) throws {
        let info = RunInfo(
            postgresVersion: cluster.postgresVersion, backend: cluster.target.backendName, fault: configuration.faultName,
            strategy: configuration.strategy.name, clients: configuration.clients, durationSeconds: 0,
            client: configuration.client.rawValue, fenced: configuration.fence, driver: configuration.driver.description)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Analysis(timeline: false).conclude(run: info, complete: false).results.write(to: RunFolder(folder).results)
            if server != nil { cluster.copyServerLogs(to: folder) }
        } catch {
            throw CLIError("cannot write to the run folder \(folder.path): \(error)")
        }
    }

    /// Turns the options into an experiment configuration for a run writing to `folder`, and
    /// the topology to start (`nil`: one server), or a clear error.
    func plan(folder: URL) throws -> (ExperimentConfiguration, Replication?) {
        let kind = try faultKind()
        guard let strategy = StrategyCatalog.strategy(named: strategy, runFolder: folder) else {
            throw ValidationError("unknown strategy '\(self.strategy)'; choose one of: \(StrategyCatalog.names.joined(separator: ", "))")
        }
        guard let clientProfile = ClientProfile(rawValue: client) else {
            throw ValidationError("unknown client '\(client)'; choose one of: \(ClientProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let driver = try CLISupport.driver(named: driver)
        guard let timeout = DurationParser.parse(timeout), timeout > .zero else {
            throw ValidationError("--timeout must be a duration longer than 0 such as 500ms or 1s, not '\(self.timeout)'")
        }
        guard let retryBudget = DurationParser.parse(retryFor), retryBudget > .zero else {
            throw ValidationError("--retry-for must be a duration longer than 0 such as 30s, not '\(retryFor)'")
        }
        var readInterval: Duration?
        if let readEvery {
            guard let interval = DurationParser.parse(readEvery), interval > .zero else {
                throw ValidationError("--read-every must be a duration longer than 0 such as 100ms, not '\(readEvery)'")
            }
            readInterval = interval
        }
        let duration = try faultDuration()
        let cycle = try faultCycleDuration()
        var faults: [FaultSchedule] = []
        let slowRate = slow ?? (kind == .partition ? "256kbit" : "none")
        if slowRate != "none" {
            guard slowRate.range(of: #"^[0-9]+(bit|kbit|mbit|gbit)$"#, options: .regularExpression) != nil else {
                throw ValidationError("--slow takes a rate such as 64kbit or 1mbit, or 'none', not '\(slowRate)'")
            }
            faults.append(FaultSchedule(.slow, start: .immediately, duration: nil, rate: slowRate))
        }
        let topology = try topologyPlan(kind: kind, duration: duration, cycle: cycle)
        if let topology {
            faults += topology.faults
        } else if kind != .none {
            let aligned = alignCommit ?? (kind != .partition)
            let start: FaultSchedule.Start
            if let chosen = try faultStart(aligned: aligned) {
                start = chosen
            } else if kind == .partition && !aligned {
                start = .afterAcknowledged(Int.random(in: max(writes / 10, 0)...max(writes / 2, 0)), alignedToCommit: false)
            } else {
                start = .afterAcknowledged(writes / 4, alignedToCommit: aligned)
            }
            faults.append(FaultSchedule(kind, start: start, duration: duration ?? .seconds(2), cycle: cycle))
        }
        var configuration = ExperimentConfiguration(
            writes: writes, clients: clients, timeout: timeout, retryBudget: retryBudget, faults: faults, strategy: strategy,
            client: clientProfile, fence: fence)
        configuration.readInterval = readInterval
        configuration.driver = driver
        do {
            try configuration.validate()
        } catch let error as ExperimentError {
            throw ValidationError(error.description)
        }
        return (configuration, topology?.replication)
    }

    /// `--fault-after` as a start (aligned to a COMMIT or not), `nil` without it.
    func faultStart(aligned: Bool) throws -> FaultSchedule.Start? {
        guard let faultAfter else { return nil }
        if let count = Int(faultAfter) { return .afterAcknowledged(count, alignedToCommit: aligned) }
        if let time = DurationParser.parse(faultAfter) { return .afterTime(time) }
        throw ValidationError("--fault-after takes a number of acknowledged writes (250) or a time (2s), not '\(faultAfter)'")
    }

    /// Names the run folder after the fault.
    private func defaultFolder() -> String {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return "runs/\(stamp)-\(fault ?? (standbys != nil ? Fault.Kind.replicationCut.rawValue : Fault.Kind.partition.rawValue))"
    }
}
