/// One database node of a replicated run, as the timeline's node lane draws it: when it was
/// the primary, the windows of the topology faults it took part in, and the failover's
/// marks on it. ``TimelineCollector`` builds it from the nodes the nemesis recorded
/// (``HistoryOperation/nodes``); a run without a topology fault has none.
public struct TimelineNode: Sendable, Equatable {
    /// What a node was in during a window.
    public enum State: String, Sendable, CaseIterable {
        /// The primary: the node the clients wrote to.
        case primary
        /// One end of a `replication-cut`.
        case cut
        /// Cut off from everything (`isolate-primary`).
        case isolated
        /// Cut off from its clients, still streaming to its standbys (`client-cut`).
        case unreachable
        /// Killed (`kill-primary`): down from then on.
        case down
        /// Stopped by SIGSTOP (`pause-primary`) until the heal.
        case paused
        /// Fenced by a failover: stopped for good, from the failover's start on.
        case fenced
    }

    /// A span of time during which the node was in ``State``.
    public struct Window: Sendable, Equatable {
        /// What the node was in.
        public var state: State
        /// The fault's name as the nemesis recorded it (`replication-cut`, …); `nil` for
        /// ``State/primary``.
        public var fault: String?
        /// From, nanoseconds since the run started.
        public var start: Int64
        /// Until: the heal, the next failover, or the end of the history.
        public var end: Int64
        /// Whether a heal (or, for ``State/primary``, a failover) ended it; `false` when it
        /// runs to the end of the history.
        public var ended: Bool
        /// What the nemesis recorded as the fault's evidence (and its heal's), for the hover.
        public var evidence: String?

        /// Creates a window.
        public init(state: State, fault: String? = nil, start: Int64, end: Int64, ended: Bool, evidence: String? = nil) {
            self.state = state
            self.fault = fault
            self.start = start
            self.end = end
            self.ended = ended
            self.evidence = evidence
        }
    }

    /// An instant on the node's lane: a failover promoted it, or fenced it.
    public struct Marker: Sendable, Equatable {
        /// What happened.
        public enum Kind: String, Sendable, CaseIterable {
            /// The failover promoted this node (at its `start-fault :ok`).
            case promoted
            /// The failover fenced this node, the old primary (at its `start-fault` invocation).
            case fenced
        }

        /// What happened.
        public var kind: Kind
        /// When, nanoseconds since the run started.
        public var time: Int64
        /// The failover's evidence.
        public var evidence: String?

        /// Creates a marker.
        public init(kind: Kind, time: Int64, evidence: String? = nil) {
            self.kind = kind
            self.time = time
            self.evidence = evidence
        }
    }

    /// The node's name (`n1`).
    public var name: String
    /// Its windows, primary spans included, in order of their start.
    public var windows: [Window]
    /// Its failover markers, in time order.
    public var markers: [Marker]

    /// Creates a node lane.
    public init(name: String, windows: [Window] = [], markers: [Marker] = []) {
        self.name = name
        self.windows = windows
        self.markers = markers
    }

    /// The spans during which it was the primary.
    public var primarySpans: [Window] { windows.filter { $0.state == .primary } }

    /// Node names in their natural order: `n2` before `n10`.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        func split(_ name: String) -> (String, Int) {
            let digits = name.reversed().prefix { $0.isNumber }
            return (String(name.dropLast(digits.count)), Int(String(digits.reversed())) ?? -1)
        }
        let (a, b) = (split(lhs), split(rhs))
        return a.0 != b.0 ? a.0 < b.0 : a.1 != b.1 ? a.1 < b.1 : lhs < rhs
    }
}
