/// When a fault starts and how long it lasts.
public struct FaultSchedule: Sendable, Hashable, CustomStringConvertible {
    /// When the fault starts.
    public enum Start: Sendable, Hashable, CustomStringConvertible {
        /// Once `count` writes have been acknowledged. With `alignedToCommit`, the next
        /// COMMIT is held until the rules are in force, so that the fault hits the commit
        /// window every time instead of by luck.
        case afterAcknowledged(Int, alignedToCommit: Bool)
        /// At this time after the workload starts.
        case afterTime(Duration)
        /// When the workload starts (for a slow link under the whole run).
        case immediately

        public var description: String {
            switch self {
            case .afterAcknowledged(let count, let aligned):
                return "after \(count) acknowledged writes" + (aligned ? ", at a COMMIT" : "")
            case .afterTime(let time): return "at \(time)"
            case .immediately: return "at the start"
            }
        }
    }

    /// The fault's kind.
    public var kind: Fault.Kind
    /// When it starts.
    public var start: Start
    /// How long it lasts; `nil` means until the writes end.
    public var duration: Duration?
    /// The rate for `slow`.
    public var rate: String

    /// Creates a schedule.
    public init(_ kind: Fault.Kind, start: Start, duration: Duration?, rate: String = "256kbit") {
        self.kind = kind
        self.start = start
        self.duration = duration
        self.rate = rate
    }

    public var description: String {
        "\(kind.rawValue) \(start)" + (duration.map { " for \($0)" } ?? " until the writes end")
    }
}
