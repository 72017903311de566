/// How a write attempt ended, as the timeline draws it.
public enum TimelineOutcome: String, Sendable, CaseIterable, Comparable {
    /// Acknowledged (`:ok`).
    case ok
    /// Definitely not applied (`:fail`).
    case fail
    /// Indeterminate (`:info`): the client does not know.
    case info
    /// Invoked, never completed: the history ends first (a killed run).
    case open

    /// Drawing order of importance: the rarer, more interesting outcomes rank higher.
    var rank: Int {
        switch self {
        case .ok: return 0
        case .fail: return 1
        case .open: return 2
        case .info: return 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One write attempt on the timeline: an invocation and its completion.
public struct TimelineWrite: Sendable, Equatable {
    /// The client (lane) that wrote.
    public var client: Int
    /// The element written.
    public var element: Int
    /// Invocation time, nanoseconds since the run started.
    public var start: Int64
    /// Completion time (for ``TimelineOutcome/open``: the end of the history).
    public var end: Int64
    /// How it ended.
    public var outcome: TimelineOutcome
    /// The completion's error text, if any.
    public var error: String?
    /// The warning that came with an acknowledgement, if any.
    public var warning: String?
    /// Attempt number, for strategies that retry.
    public var attempt: Int?

    /// Creates a write attempt.
    public init(client: Int, element: Int, start: Int64, end: Int64, outcome: TimelineOutcome,
                error: String? = nil, warning: String? = nil, attempt: Int? = nil) {
        self.client = client
        self.element = element
        self.start = start
        self.end = end
        self.outcome = outcome
        self.error = error
        self.warning = warning
        self.attempt = attempt
    }

    /// Completion minus invocation, in nanoseconds (never negative).
    public var latency: Int64 { TimelineFormat.distance(from: start, to: end) }
}

/// A window during which a fault was in force: from its `start-fault` `:ok` to its
/// `stop-fault` `:ok`, or to the end of the history when it was never healed.
public struct TimelineFault: Sendable, Equatable {
    /// The fault's name, as the nemesis recorded it (`partition`, `slow`, …).
    public var name: String
    /// When it came into force, nanoseconds since the run started.
    public var start: Int64
    /// When it was healed, or the end of the history.
    public var end: Int64
    /// `false` when the history holds no successful heal for it.
    public var healed: Bool

    /// Creates a fault window.
    public init(name: String, start: Int64, end: Int64, healed: Bool) {
        self.name = name
        self.start = start
        self.end = end
        self.healed = healed
    }
}

/// Everything the timeline page draws from a history: write attempts per client, fault
/// windows, the database nodes' lanes, the final read and the strategies' verdicts. ``TimelineCollector`` builds it.
public struct Timeline: Sendable, Equatable {
    /// Every write attempt, in completion order.
    public var writes: [TimelineWrite]
    /// Fault windows, in order of their start.
    public var faults: [TimelineFault]
    /// Fault starts that failed, with the nemesis's error text.
    public var failedFaults: [String]
    /// When the last successful read completed (the final read), if any.
    public var finalReadTime: Int64?
    /// The last verdict per element, for strategies that resolve indeterminate writes.
    public var resolutions: [Int: HistoryOperation.Resolution]
    /// The latest time in the history, nanoseconds since the run started.
    public var endTime: Int64
    /// How many operations were consumed.
    public var operationCount: Int
    /// One lane per database node a topology fault acted on, in the nodes' natural order;
    /// empty for a run without topology faults.
    public var nodes: [TimelineNode]

    /// Creates a timeline.
    public init(writes: [TimelineWrite], faults: [TimelineFault], failedFaults: [String] = [],
                finalReadTime: Int64?, resolutions: [Int: HistoryOperation.Resolution] = [:],
                endTime: Int64, operationCount: Int, nodes: [TimelineNode] = []) {
        self.writes = writes
        self.faults = faults
        self.failedFaults = failedFaults
        self.finalReadTime = finalReadTime
        self.resolutions = resolutions
        self.endTime = endTime
        self.operationCount = operationCount
        self.nodes = nodes
    }

    /// The clients that wrote, ascending: one lane each.
    public var clients: [Int] {
        Array(Set(writes.map(\.client))).sorted()
    }
}
