import Foundation
import InDoubt
import InDoubtTesting
import Testing

@Suite("indoubt bench")
struct BenchmarkSmokeTests {
    @Test("A short benchmark measures every figure and writes the issue's JSON keys")
    func shortRun() async throws {
        try CLIHarness.requireFaultEnvironment()
        var configuration = HarnessBenchmark.Configuration(installation: try FaultEnvironment.installation())
        configuration.repeats = 1
        configuration.writes = 200
        configuration.largeWrites = 0
        configuration.claimsRun = false
        let figures = try await HarnessBenchmark(configuration: configuration).run()
        #expect(figures.nodeReadyTemplate.median > 0)
        #expect(figures.nodeReadyCold.median > 0)
        #expect(figures.standbyReadyTemplate.median > 0)
        #expect(figures.standbyReadyBaseBackup.median > 0)
        #expect(figures.writesPerSecond.median > 0)
        #expect(figures.pgbenchWritesPerSecond.median > 0)
        #expect(figures.faultApply.samples.count == 4)
        // Every driver this build has (postgres-nio with the trait), each beside pgbench.
        #expect(figures.drivers.map(\.driver) == DatabaseDriver.available.map(\.description))
        for driver in figures.drivers {
            #expect(driver.writesPerSecond.samples.count == 1 && driver.writesPerSecond.median > 0, "\(driver.driver)")
            #expect(driver.ratio > 0, "\(driver.driver)")
            // CPU per write: tens of microseconds, not zero (never measured) nor seconds (a
            // whole run's CPU not divided by its writes).
            #expect((1...5_000).contains(driver.cpuMicrosecondsPerWrite.median), "\(driver.driver): \(driver.cpuMicrosecondsPerWrite)")
            #expect(driver.cpuRatio > 0, "\(driver.driver)")
        }
        #expect((1...5_000).contains(figures.pgbenchCPUPerWrite.median), "pgbench: \(figures.pgbenchCPUPerWrite)")
        #expect(figures.drivers.first?.writesPerSecond == figures.writesPerSecond)
        #expect(figures.peakRSSMegabytes > 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(figures)) as? [String: Any]
        let keys = Set(json?.keys.map { $0 } ?? [])
        for key in ["node_ready_template_s", "node_ready_cold_s", "primary_standby_ready_s", "primary_standby_ready_base_backup_s", "writes_per_s", "pgbench_writes_per_s", "pgbench_cpu_us_per_write",
                    "throughput_ratio_vs_pgbench", "fault_apply_ms", "fault_heal_ms", "claims_run_s", "peak_rss_mb", "drivers"] {
            #expect(keys.contains(key), "missing \(key)")
        }
        let drivers = json?["drivers"] as? [[String: Any]] ?? []
        #expect(drivers.compactMap { $0["driver"] as? String } == DatabaseDriver.available.map(\.description))
        #expect(drivers.allSatisfy { ($0["writes_per_s"] as? Double ?? 0) > 0 && $0["throughput_ratio_vs_pgbench"] != nil
            && ($0["client_cpu_us_per_write"] as? Double ?? 0) > 0 && $0["client_cpu_ratio_vs_pgbench"] != nil })
    }
}
