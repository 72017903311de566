import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Measures the harness like a product: how fast nodes start, how fast it writes compared
/// with pgbench, how fast faults apply and heal, how long a claims run takes, and how much
/// memory it needs. Each figure is the median of several runs within one invocation.
public struct HarnessBenchmark: Sendable {
    /// What to run.
    public struct Configuration: Sendable {
        /// How many times each figure is taken.
        public var repeats = 5
        /// Writes per throughput run (and per pgbench run). 20,000: a 2,000-transaction
        /// pgbench run lasts about 0.15 s, and its rate spread from 10,505 to 17,201 writes/s
        /// in one invocation; at 20,000, from 12,316 to 14,897 in the next (PostgreSQL 18).
        public var writes = Configuration.defaultWrites
        /// The default of ``writes``.
        public static let defaultWrites = 20_000
        /// Clients for the throughput runs.
        public var clients = 5
        /// Writes of the large run whose peak memory is reported (0 to skip).
        public var largeWrites = 20_000
        /// Whether to time a claims-1–3-equivalent run.
        public var claimsRun = true
        /// The drivers whose throughput is measured, each in every alternating run beside
        /// pgbench: by default every driver this build has (postgres-nio with the trait).
        /// The first one's figure is `writes_per_s`.
        public var drivers = DatabaseDriver.available
        /// The installation.
        public var installation: PostgresInstallation

        /// Creates a configuration.
        public init(installation: PostgresInstallation) { self.installation = installation }
    }

    /// The figures, with the JSON keys the issue names.
    public struct Figures: Sendable, Codable {
        public var nodeReadyTemplate: Measurement
        public var nodeReadyCold: Measurement
        /// A primary plus one synchronous standby, until `pg_stat_replication` shows it
        /// streaming as `quorum`: standby from the template, and from `pg_basebackup`.
        public var standbyReadyTemplate: Measurement
        public var standbyReadyBaseBackup: Measurement
        public var writesPerSecond: Measurement
        public var pgbenchWritesPerSecond: Measurement
        /// pgbench's CPU time per transaction, in microseconds (``PgBench/Run``).
        public var pgbenchCPUPerWrite: Measurement
        /// The set workload through each driver measured, in the configuration's order.
        public var drivers: [DriverThroughput]
        public var faultApply: Measurement
        public var faultHeal: Measurement
        public var claimsRun: Measurement
        public var peakRSSMegabytes: Double
        public var largeRunWrites: Int
        public var postgresVersion: String

        /// Harness writes/s over pgbench's, from the medians.
        public var throughputRatio: Double {
            pgbenchWritesPerSecond.median > 0 ? writesPerSecond.median / pgbenchWritesPerSecond.median : 0
        }

        enum CodingKeys: String, CodingKey {
            case nodeReadyTemplate = "node_ready_template_s", nodeReadyCold = "node_ready_cold_s"
            case standbyReadyTemplate = "primary_standby_ready_s", standbyReadyBaseBackup = "primary_standby_ready_base_backup_s"
            case writesPerSecond = "writes_per_s", pgbenchWritesPerSecond = "pgbench_writes_per_s"
            case throughputRatio = "throughput_ratio_vs_pgbench", faultApply = "fault_apply_ms", faultHeal = "fault_heal_ms"
            case claimsRun = "claims_run_s", peakRSSMegabytes = "peak_rss_mb", largeRunWrites = "large_run_writes"
            case postgresVersion = "postgres_version", spread, drivers
            case pgbenchCPUPerWrite = "pgbench_cpu_us_per_write"
        }

        /// Medians under the issue's keys, plus `spread` with every sample, min and max.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let timed: [(CodingKeys, Measurement)] = [
                (.nodeReadyTemplate, nodeReadyTemplate), (.nodeReadyCold, nodeReadyCold),
                (.standbyReadyTemplate, standbyReadyTemplate), (.standbyReadyBaseBackup, standbyReadyBaseBackup), (.writesPerSecond, writesPerSecond),
                (.pgbenchWritesPerSecond, pgbenchWritesPerSecond), (.pgbenchCPUPerWrite, pgbenchCPUPerWrite), (.faultApply, faultApply), (.faultHeal, faultHeal),
                (.claimsRun, claimsRun),
            ]
            var spread: [String: [String: Double]] = [:]
            for (key, measurement) in timed {
                try container.encode(measurement.median, forKey: key)
                spread[key.rawValue] = ["min": measurement.min, "max": measurement.max, "runs": Double(measurement.samples.count)]
            }
            try container.encode(throughputRatio, forKey: .throughputRatio)
            try container.encode(peakRSSMegabytes, forKey: .peakRSSMegabytes)
            try container.encode(largeRunWrites, forKey: .largeRunWrites)
            try container.encode(postgresVersion, forKey: .postgresVersion)
            try container.encode(spread, forKey: .spread)
            try container.encode(drivers, forKey: .drivers)
        }

        public init(from decoder: any Decoder) throws {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "benchmark figures are write-only"))
        }

        init(nodeReadyTemplate: Measurement, nodeReadyCold: Measurement,
             standbyReadyTemplate: Measurement, standbyReadyBaseBackup: Measurement, writesPerSecond: Measurement,
             pgbenchWritesPerSecond: Measurement, pgbenchCPUPerWrite: Measurement, drivers: [DriverThroughput], faultApply: Measurement, faultHeal: Measurement,
             claimsRun: Measurement, peakRSSMegabytes: Double, largeRunWrites: Int, postgresVersion: String) {
            self.nodeReadyTemplate = nodeReadyTemplate
            self.nodeReadyCold = nodeReadyCold
            self.standbyReadyTemplate = standbyReadyTemplate
            self.standbyReadyBaseBackup = standbyReadyBaseBackup
            self.writesPerSecond = writesPerSecond
            self.pgbenchWritesPerSecond = pgbenchWritesPerSecond
            self.pgbenchCPUPerWrite = pgbenchCPUPerWrite
            self.drivers = drivers
            self.faultApply = faultApply
            self.faultHeal = faultHeal
            self.claimsRun = claimsRun
            self.peakRSSMegabytes = peakRSSMegabytes
            self.largeRunWrites = largeRunWrites
            self.postgresVersion = postgresVersion
        }

        /// Human-readable lines, with the targets.
        public var lines: [String] {
            func row(_ name: String, _ m: Measurement, _ unit: String, digits: Int = 3, target: String = "") -> String {
                let format = "%.\(digits)f"
                return "\(name): \(String(format: format, m.median)) \(unit) (min \(String(format: format, m.min)), max \(String(format: format, m.max)), \(m.samples.count) runs)\(target.isEmpty ? "" : "  target \(target)")"
            }
            return [
                "PostgreSQL \(postgresVersion)",
                row("node ready from template", nodeReadyTemplate, "s", target: "< 0.5 s"),
                row("node ready from cold initdb", nodeReadyCold, "s"),
                row("primary + sync standby streaming, standby from template", standbyReadyTemplate, "s", target: "< 1 s"),
                row("primary + sync standby streaming, standby from pg_basebackup", standbyReadyBaseBackup, "s"),
                row("set workload", writesPerSecond, "writes/s", digits: 0),
                row("pgbench, same transaction", pgbenchWritesPerSecond, "writes/s", digits: 0),
                "throughput ratio vs pgbench: \(String(format: "%.3f", throughputRatio))  target ≥ 1.0",
            ] + drivers.map {
                row("set workload through \($0.driver)", $0.writesPerSecond, "writes/s", digits: 0)
                    + ", ratio vs pgbench \(String(format: "%.3f", $0.ratio))"
            } + [row("pgbench CPU per transaction", pgbenchCPUPerWrite, "µs", digits: 1)] + drivers.map {
                row("harness CPU per write through \($0.driver)", $0.cpuMicrosecondsPerWrite, "µs", digits: 1)
                    + ", \(String(format: "%.2f", $0.cpuRatio))× pgbench's"
            } + [
                row("fault apply", faultApply, "ms", digits: 1, target: "< 50 ms"),
                row("fault heal", faultHeal, "ms", digits: 1),
            ] + (claimsRun.samples.isEmpty ? ["claims 1–3 run: not measured (--no-claims)"] : [
                row("claims 1–3 run", claimsRun, "s", digits: 2),
            ]) + [
                "peak memory of the harness: \(String(format: "%.1f", peakRSSMegabytes)) MB "
                    + (largeRunWrites > 0 ? "(including a \(largeRunWrites)-write run)  target < 200 MB for 100,000 writes"
                                          : "(no large run: --large-writes 0)"),
            ]
        }
    }

    /// The configuration.
    public var configuration: Configuration
    /// Progress lines.
    public var log: @Sendable (String) -> Void

    /// Creates a benchmark.
    public init(configuration: Configuration, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.log = log
    }

    /// Runs every measurement.
    /// - Throws: ``ExperimentError/invalid(_:)`` before measuring anything when no driver is
    ///   named or this build lacks one of them.
    public func run() async throws -> Figures {
        guard !configuration.drivers.isEmpty else { throw ExperimentError.invalid("name at least one driver to measure") }
        if let reason = configuration.drivers.compactMap(\.unavailableReason).first { throw ExperimentError.invalid(reason) }
        let installation = configuration.installation
        let scratch = Naming.temporaryRoot.appendingPathComponent("indoubt-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        log("node ready from template (\(configuration.repeats) runs)")
        _ = try await TemplateCache.template(for: installation)
        var template: [Double] = []
        for _ in 0..<configuration.repeats {
            template.append(try await Self.timedStart { try await NamespaceCluster.start(installation: installation) })
        }

        log("node ready from a cold initdb (\(configuration.repeats) runs)")
        var cold: [Double] = []
        for run in 0..<configuration.repeats {
            let cache = scratch.appendingPathComponent("cache-\(run)")
            cold.append(try await Self.timedStart { try await NamespaceCluster.start(installation: installation, templateCache: cache) })
        }

        log("primary plus one sync standby streaming, standby from the template and from pg_basebackup (\(configuration.repeats) runs each)")
        var standbyTemplate: [Double] = []
        var standbyBackup: [Double] = []
        func standbyStart(_ seeding: Replication.Seeding) async throws -> Double {
            let replication = Replication(standbys: 1, mode: .sync(.on), seeding: seeding)
            return try await Self.timedStart { try await NamespaceCluster.start(replication: replication, installation: installation) }
        }
        for _ in 0..<configuration.repeats {
            standbyTemplate.append(try await standbyStart(.template))
            standbyBackup.append(try await standbyStart(.baseBackup))
        }

        let cluster = try await NamespaceCluster.start(installation: installation)
        do {
            let figures = try await measureOnNode(cluster.nodes[0], scratch: scratch)
            await cluster.shutdown()
            let large = try await largeRun()
            return Figures(
                nodeReadyTemplate: Measurement(template), nodeReadyCold: Measurement(cold),
                standbyReadyTemplate: Measurement(standbyTemplate), standbyReadyBaseBackup: Measurement(standbyBackup),
                writesPerSecond: figures.ours.first?.writesPerSecond ?? Measurement([]), pgbenchWritesPerSecond: figures.pgbench,
                pgbenchCPUPerWrite: figures.pgbenchCPU,
                drivers: figures.ours,
                faultApply: figures.apply, faultHeal: figures.heal, claimsRun: figures.claims,
                peakRSSMegabytes: Self.peakRSSMegabytes(), largeRunWrites: large, postgresVersion: installation.version)
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    /// Seconds from calling `start` until it returned a ready cluster, which is then removed.
    private static func timedStart(_ start: () async throws -> NamespaceCluster) async throws -> Double {
        let started = ContinuousClock.now
        let cluster = try await start()
        let took = started.duration(to: .now).seconds
        await cluster.shutdown()
        return took
    }

    private struct NodeFigures {
        var ours: [DriverThroughput]
        var pgbench: Measurement
        var pgbenchCPU: Measurement
        var apply: Measurement
        var heal: Measurement
        var claims: Measurement
    }

    private func measureOnNode(_ node: PostgresNode, scratch: URL) async throws -> NodeFigures {
        guard let pgbench = PgBench.binary(for: configuration.installation) else {
            throw ClusterError.missingTool("pgbench", package: "postgresql-\(configuration.installation.major)")
        }
        let drivers = configuration.drivers
        log("throughput: set workload (\(drivers.map(\.rawValue).joined(separator: ", "))) and pgbench, \(configuration.writes) writes each, \(configuration.clients) clients, alternating (\(configuration.repeats) runs)")
        // Per driver, each run's writes/s and CPU µs per write.
        var ours = [(rates: [Double], cpu: [Double])](repeating: ([], []), count: drivers.count)
        var theirs: [Double] = []
        var theirCPU: [Double] = []
        for run in 0..<configuration.repeats {
            for (index, driver) in drivers.enumerated() {
                var configuration = ExperimentConfiguration(
                    writes: self.configuration.writes, clients: self.configuration.clients, timeout: .seconds(10),
                    outputFolder: scratch.appendingPathComponent("throughput-\(run)-\(driver.rawValue)"))
                configuration.driver = driver
                let outcome = try await Experiment(configuration: configuration, target: node).run()
                ours[index].rates.append(outcome.results.writesPerS ?? 0)
                ours[index].cpu.append(outcome.writePhaseCPU.seconds * 1_000_000 / Double(self.configuration.writes))
            }
            let baseline = try await PgBench.run(
                binary: pgbench, options: node.connectionOptions(applicationName: "pgbench"),
                clients: self.configuration.clients, transactions: self.configuration.writes, folder: scratch)
            theirs.append(baseline.transactionsPerSecond)
            theirCPU.append(baseline.cpuMicrosecondsPerTransaction)
        }

        log("fault apply and heal latency (\(configuration.repeats * 4) runs)")
        var apply: [Double] = []
        var heal: [Double] = []
        for _ in 0..<(configuration.repeats * 4) {
            let fault = node.fault(.partition)
            var started = ContinuousClock.now
            try await node.apply(fault)
            apply.append(started.duration(to: .now).seconds * 1000)
            started = ContinuousClock.now
            try await node.heal(fault)
            heal.append(started.duration(to: .now).seconds * 1000)
        }

        var claims: [Double] = []
        if configuration.claimsRun {
            log("claims 1–3 equivalent run (\(configuration.repeats) runs)")
            for _ in 0..<configuration.repeats {
                let started = ContinuousClock.now
                for faults in Self.claimsFaults {
                    let configuration = ExperimentConfiguration(writes: 200, clients: 5, timeout: .milliseconds(500), faults: faults)
                    _ = try await Experiment(configuration: configuration, target: node).run()
                }
                claims.append(started.duration(to: .now).seconds)
            }
        }
        let pgbenchRate = Measurement(theirs)
        let pgbenchCPU = Measurement(theirCPU)
        let throughputs = drivers.indices.map {
            DriverThroughput(driver: drivers[$0].description, writesPerSecond: Measurement(ours[$0].rates), pgbenchMedian: pgbenchRate.median,
                             cpuMicrosecondsPerWrite: Measurement(ours[$0].cpu), pgbenchCPUMedian: pgbenchCPU.median)
        }
        return NodeFigures(ours: throughputs, pgbench: pgbenchRate, pgbenchCPU: pgbenchCPU, apply: Measurement(apply),
                           heal: Measurement(heal), claims: Measurement(claims))
    }

    /// The faults of claims 1, 2 (both faults) and 3.
    static let claimsFaults: [[FaultSchedule]] = [
        [],
        [FaultSchedule(.dropReplies, start: .afterAcknowledged(50, alignedToCommit: true), duration: .milliseconds(1500))],
        [FaultSchedule(.dropCommitAck, start: .afterAcknowledged(50, alignedToCommit: true), duration: .milliseconds(1500))],
        [FaultSchedule(.dropRequests, start: .afterAcknowledged(40, alignedToCommit: true), duration: .seconds(1)),
         FaultSchedule(.dropReplies, start: .afterAcknowledged(120, alignedToCommit: true), duration: .seconds(1))],
    ]

    /// A long run with its history on disk, so the peak memory shows whether memory grows
    /// with the run.
    private func largeRun() async throws -> Int {
        guard configuration.largeWrites > 0 else { return 0 }
        log("large run: \(configuration.largeWrites) writes for peak memory")
        let folder = Naming.temporaryRoot.appendingPathComponent("indoubt-bench-large-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try await NamespaceCluster.start(installation: configuration.installation)
        do {
            let configuration = ExperimentConfiguration(
                writes: self.configuration.largeWrites, clients: self.configuration.clients, timeout: .seconds(10), outputFolder: folder)
            _ = try await Experiment(configuration: configuration, target: cluster.nodes[0]).run()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        return configuration.largeWrites
    }

    /// The process's peak resident memory, in MB (`getrusage`'s `ru_maxrss`).
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
