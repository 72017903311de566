/// The set workload's throughput through one driver, against pgbench's in the same
/// invocation (``HarnessBenchmark``).
public struct DriverThroughput: Sendable, Encodable, Equatable {
    /// The driver and its version (`libpq 15.18`, `postgres-nio 1.33.2`).
    public var driver: String
    /// Writes per second, one sample per alternating run.
    public var writesPerSecond: Measurement
    /// pgbench's median writes per second in the same invocation.
    public var pgbenchMedian: Double

    /// Creates the figure.
    public init(driver: String, writesPerSecond: Measurement, pgbenchMedian: Double) {
        self.driver = driver
        self.writesPerSecond = writesPerSecond
        self.pgbenchMedian = pgbenchMedian
    }

    /// The driver's median writes/s over pgbench's; 0 without a pgbench figure.
    public var ratio: Double { pgbenchMedian > 0 ? writesPerSecond.median / pgbenchMedian : 0 }

    enum CodingKeys: String, CodingKey {
        case driver, writesPerSecond = "writes_per_s", ratio = "throughput_ratio_vs_pgbench", min, max, runs
    }

    /// The median under `writes_per_s`, with min, max, runs and the ratio.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(driver, forKey: .driver)
        try container.encode(writesPerSecond.median, forKey: .writesPerSecond)
        try container.encode(ratio, forKey: .ratio)
        try container.encode(writesPerSecond.min, forKey: .min)
        try container.encode(writesPerSecond.max, forKey: .max)
        try container.encode(writesPerSecond.samples.count, forKey: .runs)
    }
}
