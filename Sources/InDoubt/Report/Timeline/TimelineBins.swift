/// Writes that are not drawn one by one, counted per group (a lane, or the whole plot)
/// and time bin.
struct TimelineBins {
    /// The writes of one group whose time falls in one bin.
    struct Bin {
        var start: Int64
        var end: Int64
        var count = 0
        var counts: [TimelineOutcome: Int] = [:]
        var minLatency = Int64.max
        var maxLatency: Int64 = 0

        /// The most telling outcome present (info over open over fail over ok).
        var worst: TimelineOutcome {
            counts.keys.max() ?? .ok
        }

        /// `12 writes aggregated, 1.200 s → 1.220 s: 11 ok, 1 fail; latency 2.1 ms – 9.0 ms`.
        var description: String {
            let outcomes = TimelineOutcome.allCases.compactMap { outcome in
                counts[outcome].map { "\($0) \(outcome.rawValue)" }
            }
            return "\(count) writes aggregated, \(TimelineFormat.seconds(start)) → \(TimelineFormat.seconds(end)): "
                + outcomes.joined(separator: ", ")
                + "; latency \(TimelineFormat.milliseconds(minLatency)) – \(TimelineFormat.milliseconds(maxLatency))"
        }
    }

    private var groups: [Int: [Int: Bin]] = [:]
    /// The largest count of any bin.
    private(set) var maxCount = 0

    /// Bins `writes` by `key` and by `time` into `count` equal slices of `0...span`.
    init(writes: [TimelineWrite], span: Int64, count: Int,
         key: (TimelineWrite) -> Int, time: (TimelineWrite) -> Int64) {
        let span = max(span, 1)
        let count = max(count, 1)
        for write in writes {
            let fraction = min(max(Double(time(write)) / Double(span), 0), 1)
            let slot = min(Int(fraction * Double(count)), count - 1)
            var bin = groups[key(write)]?[slot] ?? Bin(
                start: Int64(Double(span) * Double(slot) / Double(count)),
                end: Int64(Double(span) * Double(slot + 1) / Double(count)))
            bin.count += 1
            bin.counts[write.outcome, default: 0] += 1
            bin.minLatency = min(bin.minLatency, write.latency)
            bin.maxLatency = max(bin.maxLatency, write.latency)
            maxCount = max(maxCount, bin.count)
            groups[key(write), default: [:]][slot] = bin
        }
    }

    /// The bins of one group, in time order.
    func bins(for group: Int) -> [Bin] {
        (groups[group] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }
}
