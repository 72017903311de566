import ArgumentParser
import Foundation
import InDoubt

/// `indoubt bench`: how fast the harness starts, writes and injects faults.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure node and primary-plus-standby start-up, throughput (per driver) against pgbench, fault latency, a claims run and peak memory.",
        discussion: "Each figure is the median of several runs within this invocation, with min and max. Ratios compare against pgbench run in the same invocation on the same node.")

    @Option(help: "How many times each figure is taken.")
    var repeats: Int = 5

    @Option(help: "Writes per throughput run (the same count for pgbench).")
    var writes: Int = HarnessBenchmark.Configuration.defaultWrites

    @Option(help: "Concurrent clients for the throughput runs.")
    var clients: Int = 5

    @Option(help: "Writes of the run whose peak memory is reported (100000 for the issue's target; 0 to skip).")
    var largeWrites: Int = 20_000

    @Option(name: .customLong("driver"), help: "A driver whose throughput is measured (repeat for several: libpq, postgres-nio). Default: every driver this build has.")
    var drivers: [String] = []

    @Flag(help: "Skip the claims 1–3 run.")
    var noClaims = false

    @Option(help: "PostgreSQL major version or bin folder. Default: the newest installed.")
    var pg: String?

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, not \(repeats)") }
        guard writes >= clients, clients >= 1 else { throw ValidationError("--writes must be at least --clients, and --clients at least 1") }
        guard largeWrites >= 0 else { throw ValidationError("--large-writes must be 0 or more, not \(largeWrites)") }
        _ = try CLISupport.installation(pg)
        _ = try selectedDrivers()
    }

    /// The drivers named with `--driver`, or every one this build has.
    func selectedDrivers() throws -> [DatabaseDriver] {
        guard !drivers.isEmpty else { return DatabaseDriver.available }
        var selected: [DatabaseDriver] = []
        for name in drivers {
            let driver = try CLISupport.driver(named: name)
            if !selected.contains(driver) { selected.append(driver) }
        }
        return selected
    }

    func run() async throws {
        let installation = try CLISupport.installation(pg)
        let problems = Prerequisites.problems()
        if !problems.isEmpty { throw CLIError(problems.map(\.description).joined(separator: "\n")) }
        var configuration = HarnessBenchmark.Configuration(installation: installation)
        configuration.repeats = repeats
        configuration.writes = writes
        configuration.clients = clients
        configuration.largeWrites = largeWrites
        configuration.claimsRun = !noClaims
        configuration.drivers = try selectedDrivers()
        let interrupt = InterruptHandler { NamespaceCluster.shutdownAllNow() }
        defer { interrupt.cancel() }
        let figures = try await HarnessBenchmark(configuration: configuration) { line in
            print("… \(line)")
            fflush(nil)
        }.run()
        print("")
        figures.lines.forEach { print($0) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(figures).write(to: URL(fileURLWithPath: json))
            print("figures written to \(json)")
        }
    }
}
