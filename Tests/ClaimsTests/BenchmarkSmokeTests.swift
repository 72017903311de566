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
        #expect(figures.peakRSSMegabytes > 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(figures)) as? [String: Any]
        let keys = Set(json?.keys.map { $0 } ?? [])
        for key in ["node_ready_template_s", "node_ready_cold_s", "primary_standby_ready_s", "primary_standby_ready_base_backup_s", "writes_per_s", "pgbench_writes_per_s",
                    "throughput_ratio_vs_pgbench", "fault_apply_ms", "fault_heal_ms", "claims_run_s", "peak_rss_mb"] {
            #expect(keys.contains(key), "missing \(key)")
        }
    }
}
