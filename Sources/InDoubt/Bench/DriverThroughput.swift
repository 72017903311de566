/// The set workload's throughput through one driver, against pgbench's in the same
/// invocation (``HarnessBenchmark``).
public struct DriverThroughput: Sendable, Encodable, Equatable {
    /// The driver and its version (`libpq 15.18`, `postgres-nio 1.33.2`).
    public var driver: String
    /// Writes per second, one sample per alternating run.
    public var writesPerSecond: Measurement
    /// pgbench's median writes per second in the same invocation.
    public var pgbenchMedian: Double
    /// The harness's CPU time per write while its clients wrote, in microseconds, one
    /// sample per run: unlike the rate, it hardly moves with the machine's other load.
    public var cpuMicrosecondsPerWrite: Measurement
    /// pgbench's median CPU time per transaction in the same invocation, in microseconds.
    public var pgbenchCPUMedian: Double

    /// Creates the figure.
    public init(driver: String, writesPerSecond: Measurement, pgbenchMedian: Double,
                cpuMicrosecondsPerWrite: Measurement = Measurement([]), pgbenchCPUMedian: Double = 0) {
        self.driver = driver
        self.writesPerSecond = writesPerSecond
        self.pgbenchMedian = pgbenchMedian
        self.cpuMicrosecondsPerWrite = cpuMicrosecondsPerWrite
        self.pgbenchCPUMedian = pgbenchCPUMedian
    }

    /// The driver's median writes/s over pgbench's; 0 without a pgbench figure.
    public var ratio: Double { pgbenchMedian > 0 ? writesPerSecond.median / pgbenchMedian : 0 }

    /// The client's median CPU per write over pgbench's (above 1: the client costs more);
    /// 0 without a pgbench figure.
    public var cpuRatio: Double { pgbenchCPUMedian > 0 ? cpuMicrosecondsPerWrite.median / pgbenchCPUMedian : 0 }

    enum CodingKeys: String, CodingKey {
        case driver, writesPerSecond = "writes_per_s", ratio = "throughput_ratio_vs_pgbench", min, max, runs
        case cpuPerWrite = "client_cpu_us_per_write", cpuRatio = "client_cpu_ratio_vs_pgbench"
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
        try container.encode(cpuMicrosecondsPerWrite.median, forKey: .cpuPerWrite)
        try container.encode(cpuRatio, forKey: .cpuRatio)
    }
}
