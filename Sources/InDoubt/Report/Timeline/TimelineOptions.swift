/// Limits that keep `timeline.html` small and quick to open for huge histories.
public struct TimelineOptions: Sendable, Equatable {
    /// Up to this many write attempts, each is drawn one by one (as a bar and a point).
    /// Past it, acknowledged writes are aggregated into time bins and only the telling
    /// ones (unacknowledged survivors, lost, indeterminate, failed, never completed) are
    /// drawn one by one, at most this many, most telling first; the page says so.
    public var maxDetailedWrites: Int
    /// How many time bins aggregate the writes that are not drawn one by one.
    public var aggregateBins: Int
    /// At most this many highlighted writes carry their element's number as a label.
    public var maxLabels: Int

    /// Creates options; the defaults keep a page under about 2 MB.
    public init(maxDetailedWrites: Int = 5_000, aggregateBins: Int = 300, maxLabels: Int = 60) {
        self.maxDetailedWrites = max(maxDetailedWrites, 0)
        self.aggregateBins = max(aggregateBins, 1)
        self.maxLabels = max(maxLabels, 0)
    }
}
