import Foundation
@testable import InDoubt
import Testing

@Suite("Benchmark figures")
struct BenchmarkFiguresTests {
    @Test("Median, min and max of samples", arguments: [
        ([3.0, 1.0, 2.0], 2.0, 1.0, 3.0),
        ([4.0, 1.0, 3.0, 2.0], 2.5, 1.0, 4.0),
        ([], 0.0, 0.0, 0.0),
    ])
    func measurement(samples: [Double], median: Double, min: Double, max: Double) {
        let measurement = Measurement(samples)
        #expect(measurement.median == median)
        #expect(measurement.min == min)
        #expect(measurement.max == max)
    }

    @Test("pgbench's tps is read from the line without connection time")
    func parseTPS() {
        let report = """
            number of transactions actually processed: 2000/2000
            latency average = 0.649 ms
            initial connection time = 9.514 ms
            tps = 7699.851716 (without initial connection time)
            """
        #expect(PgBench.parseTPS(report) == 7699.851716)
        #expect(PgBench.parseTPS("tps = 12 (including connections establishing)") == nil)
    }

    @Test("A figure the invocation skipped says so instead of printing zeros", arguments: [true, false])
    func skippedFigures(measured: Bool) {
        let some = Measurement([1, 2, 3])
        let figures = HarnessBenchmark.Figures(
            nodeReadyTemplate: some, nodeReadyCold: some, standbyReadyTemplate: some, standbyReadyBaseBackup: some,
            writesPerSecond: some, pgbenchWritesPerSecond: some, pgbenchCPUPerWrite: some, drivers: [], faultApply: some, faultHeal: some,
            claimsRun: measured ? some : Measurement([]), peakRSSMegabytes: 40, largeRunWrites: measured ? 20_000 : 0,
            postgresVersion: "18.6")
        let lines = figures.lines
        #expect(lines.contains("claims 1–3 run: not measured (--no-claims)") == !measured)
        #expect(lines.contains { $0.hasPrefix("claims 1–3 run: 2.00 s") } == measured)
        #expect(lines.contains { $0.contains("including a 20000-write run") } == measured)
        #expect(lines.contains { $0.contains("no large run: --large-writes 0") } == !measured)
    }

    @Test("CPU per write is compared with pgbench's median, and printed with the ratio")
    func cpuPerWrite() throws {
        let libpq = DriverThroughput(
            driver: "libpq 15.18", writesPerSecond: Measurement([900, 1000, 1100]), pgbenchMedian: 1000,
            cpuMicrosecondsPerWrite: Measurement([30, 45, 60]), pgbenchCPUMedian: 30)
        #expect(libpq.ratio == 1.0)
        #expect(libpq.cpuRatio == 1.5)
        let unmeasured = DriverThroughput(driver: "libpq 15.18", writesPerSecond: Measurement([1]), pgbenchMedian: 1)
        #expect(unmeasured.cpuRatio == 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(libpq)) as? [String: Any]
        #expect(json?["client_cpu_us_per_write"] as? Double == 45)
        #expect(json?["client_cpu_ratio_vs_pgbench"] as? Double == 1.5)

        let some = Measurement([1, 2, 3])
        let figures = HarnessBenchmark.Figures(
            nodeReadyTemplate: some, nodeReadyCold: some, standbyReadyTemplate: some, standbyReadyBaseBackup: some,
            writesPerSecond: libpq.writesPerSecond, pgbenchWritesPerSecond: Measurement([1000]),
            pgbenchCPUPerWrite: Measurement([30]), drivers: [libpq], faultApply: some, faultHeal: some,
            claimsRun: some, peakRSSMegabytes: 40, largeRunWrites: 0, postgresVersion: "15.18")
        #expect(figures.lines.contains("pgbench CPU per transaction: 30.0 µs (min 30.0, max 30.0, 1 runs)"))
        #expect(figures.lines.contains(
            "harness CPU per write through libpq 15.18: 45.0 µs (min 30.0, max 60.0, 3 runs), 1.50× pgbench's"))
    }

    @Test("The pgbench script is the naive client's transaction")
    func script() {
        let statements = PgBench.script.split(separator: "\n").filter { !$0.hasPrefix("\\") }
        #expect(statements == ["BEGIN;", "INSERT INTO set_app (element) VALUES (:element);", "COMMIT;"])
    }
}
