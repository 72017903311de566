/// Several samples of one figure, summarised as median, min and max.
public struct Measurement: Sendable, Codable, Equatable {
    /// The samples, in the order taken.
    public var samples: [Double]

    /// Creates a measurement from samples.
    public init(_ samples: [Double]) { self.samples = samples }

    /// The median (the mean of the middle two for an even count); 0 when empty.
    public var median: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    /// The smallest sample; 0 when empty.
    public var min: Double { samples.min() ?? 0 }
    /// The largest sample; 0 when empty.
    public var max: Double { samples.max() ?? 0 }
}
