import Foundation

/// Runs `pgbench` with the set workload's own transaction (`BEGIN; INSERT; COMMIT`), as
/// the baseline the harness's throughput is compared with.
public enum PgBench {
    /// The pgbench script: the same transaction the naive client runs.
    public static let script = """
        \\set element random(1, 1000000000)
        BEGIN;
        INSERT INTO set_app (element) VALUES (:element);
        COMMIT;

        """

    /// The `pgbench` binary: next to the server, else Debian's.
    public static func binary(for installation: PostgresInstallation) -> URL? {
        let candidates = [installation.binDirectory.appendingPathComponent("pgbench").path,
                          "/usr/lib/postgresql/\(installation.major)/bin/pgbench"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }

    /// What one pgbench run measured.
    public struct Run: Sendable {
        /// Transactions per second, as pgbench reports them (excluding connection time).
        public var transactionsPerSecond: Double
        /// The transactions it ran: `clients` times its per-client share.
        public var transactions: Int
        /// pgbench's CPU time (user plus system), from `getrusage` of the ended child.
        public var cpu: Duration

        /// pgbench's CPU time per transaction, in microseconds.
        public var cpuMicrosecondsPerTransaction: Double { cpu.seconds * 1_000_000 / Double(max(1, transactions)) }
    }

    /// Runs about `transactions` transactions over `clients` connections (each client runs
    /// an equal share). Run nothing else that ends meanwhile: its CPU time would count as
    /// pgbench's.
    public static func run(binary: URL, options: ConnectionOptions, clients: Int, transactions: Int, folder: URL) async throws -> Run {
        let scriptFile = folder.appendingPathComponent("set-app.pgbench")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let perClient = max(1, transactions / clients)
        let cpuBefore = ProcessCPUTime.ofEndedChildren()
        let output = try await Command.run([
            binary.path, "-h", options.host, "-p", String(options.port), "-U", options.user, "-n",
            "-c", String(clients), "-j", String(min(clients, 2)), "-t", String(perClient), "-f", scriptFile.path,
            options.database,
        ])
        guard let tps = parseTPS(output.stdout) else {
            throw CommandError(arguments: [binary.path], status: output.status, stderr: "no tps in pgbench output: \(output.stdout)")
        }
        return Run(transactionsPerSecond: tps, transactions: perClient * clients, cpu: ProcessCPUTime.ofEndedChildren() - cpuBefore)
    }

    /// Reads `tps = 1234.5 (without initial connection time)` from pgbench's report.
    public static func parseTPS(_ text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("tps = ") && line.contains("without initial connection") {
            let number = line.dropFirst("tps = ".count).prefix { $0.isNumber || $0 == "." }
            return Double(number)
        }
        return nil
    }
}
