import Foundation
import InDoubt
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

    @Test("The pgbench script is the naive client's transaction")
    func script() {
        let statements = PgBench.script.split(separator: "\n").filter { !$0.hasPrefix("\\") }
        #expect(statements == ["BEGIN;", "INSERT INTO set_app (element) VALUES (:element);", "COMMIT;"])
    }
}
