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
        /// This long after the first fault of `kind` in the same run took effect (a failover
        /// a second after the primary was killed: acknowledgements stop then, so a count of
        /// them cannot time it). Never, if that fault never takes effect.
        case afterFault(Fault.Kind, delay: Duration)

        public var description: String {
            switch self {
            case .afterAcknowledged(let count, let aligned):
                return "after \(count) acknowledged writes" + (aligned ? ", at a COMMIT" : "")
            case .afterTime(let time): return "at \(time)"
            case .immediately: return "at the start"
            case .afterFault(let kind, let delay): return "\(delay) after \(kind.rawValue)"
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
    /// Beyond ``start``, the fault waits until a read of the run's reader that was invoked
    /// after the first fault of this kind took effect has returned: a reader can be held up
    /// for hundreds of milliseconds on a loaded machine, and a claim about what it read in
    /// between (R5: reads of the old primary while its standby is cut off) needs one.
    /// Needs ``ExperimentConfiguration/readInterval``. `nil`: no such wait.
    public var afterReadSince: Fault.Kind?
    /// For a soak run: the fault starts again this long after each start (its first one as
    /// ``start`` says, the later ones on time, not aligned to a COMMIT) and lasts
    /// ``duration`` each time, until the writes end. Each cycle is a `start-fault` and
    /// `stop-fault` pair in the history. `nil`: the fault happens once.
    public var cycle: Duration?

    /// Creates a schedule.
    public init(_ kind: Fault.Kind, start: Start, duration: Duration?, rate: String = "256kbit", cycle: Duration? = nil,
                afterReadSince: Fault.Kind? = nil) {
        self.kind = kind
        self.start = start
        self.duration = duration
        self.rate = rate
        self.cycle = cycle
        self.afterReadSince = afterReadSince
    }

    public var description: String {
        "\(kind.rawValue) \(start)" + (afterReadSince.map { " and a read since \($0.rawValue)" } ?? "")
            + (duration.map { " for \($0)" } ?? " until the writes end") + (cycle.map { ", again every \($0)" } ?? "")
    }

    /// Why this schedule cannot run, or `nil` when it can: a cycle needs a fault that heals
    /// and a duration shorter than the cycle, else the next start would find it in force.
    public var problem: String? {
        guard let cycle else { return nil }
        guard kind.isHealable else { return "\(kind.rawValue) cannot be healed, so it cannot cycle" }
        guard let duration else { return "a cycling \(kind.rawValue) needs a duration shorter than its cycle" }
        guard cycle > duration else {
            return "the cycle (\(cycle)) must be longer than the fault's duration (\(duration)), so that each heal comes before the next start"
        }
        return nil
    }
}
