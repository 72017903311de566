/// One entry of a history: an invocation or a completion, in Jepsen's vocabulary.
///
/// A write is invoked (`type == .invoke`) and completes as `.ok` (acknowledged),
/// `.fail` (definitely not applied) or `.info` (indeterminate). The final read is an
/// `.ok` operation whose `values` hold every element read, duplicates included.
/// Faults appear as operations of the `.nemesis` process (the fault's name in ``fault``); a
/// strategy's verdict on an indeterminate write appears as a `.resolve` operation (what it
/// rests on in ``evidence``).
public struct HistoryOperation: Codable, Sendable, Equatable {
    /// The kind of entry.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The client is about to perform `f`.
        case invoke
        /// Completed and acknowledged.
        case ok
        /// Completed and definitely not applied.
        case fail
        /// Completed with an unknown outcome (indeterminate).
        case info
    }

    /// What the operation does.
    public enum Function: String, Codable, Sendable, CaseIterable {
        /// Add one element to the set (`BEGIN; INSERT; COMMIT`).
        case add
        /// Read the whole set.
        case read
        /// A fault starts (nemesis).
        case startFault = "start-fault"
        /// A fault is healed (nemesis).
        case stopFault = "stop-fault"
        /// A strategy's verdict on an indeterminate write.
        case resolve
        /// The resolver terminates every session the clients used and waits until they are
        /// gone, before any verdict (`value`: how many it had to terminate).
        case fence
    }

    /// A strategy's verdict on the fate of an indeterminate write.
    public enum Resolution: String, Codable, Sendable, CaseIterable {
        /// The write's transaction committed.
        case committed
        /// The write's transaction did not and will never commit.
        case aborted
        /// The strategy could not tell.
        case unknown
    }

    /// Who performed the operation.
    public enum Process: Codable, Sendable, Hashable, CustomStringConvertible {
        /// Client number `n` (0-based).
        case client(Int)
        /// The fault injector.
        case nemesis

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .client(number)
            } else if let name = try? container.decode(String.self), name == "nemesis" {
                self = .nemesis
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "process must be a client number or \"nemesis\"")
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .client(let number): try container.encode(number)
            case .nemesis: try container.encode("nemesis")
            }
        }

        public var description: String {
            switch self {
            case .client(let number): return String(number)
            case .nemesis: return "nemesis"
            }
        }
    }

    /// Position in the history, from 0.
    public var index: Int
    /// Nanoseconds since the run started, from a monotonic clock.
    public var time: Int64
    /// Who performed it.
    public var process: Process
    /// Invocation or completion.
    public var type: Kind
    /// What it does.
    public var f: Function
    /// The element written (for `.add` and `.resolve`), if any.
    public var value: Int?
    /// The elements read (for `.read` completions), duplicates included.
    public var values: [Int]?
    /// The error text of a `.fail` or `.info` completion (for the nemesis: why the fault
    /// could not be applied or healed).
    public var error: String?
    /// A warning that came with an `.ok` `.add` (the 25P01 of a re-sent COMMIT).
    public var warning: String?
    /// For `start-fault` and `stop-fault`: the fault's name (`partition`, `slow`, …).
    public var fault: String?
    /// For `.resolve`: what the verdict rests on (e.g. `pg_xact_status 'committed'`).
    public var evidence: String?
    /// For `.resolve`: the strategy's verdict.
    public var resolution: Resolution?
    /// Attempt number for strategies that retry (1 for the first try); on a completion, how
    /// many attempts the write took.
    public var attempt: Int?
    /// The node the operation reached, on a server of several nodes: for the final read, the
    /// node it read; for a node fault (`kill-primary`, `pause-primary`), the node it hit; for
    /// a failover, the node it promoted. `nil` where nobody recorded one.
    public var node: String?
    /// For a topology fault's `start-fault` and `stop-fault` `:ok`: every node it acted on,
    /// the primary of the moment first (a replication cut: the primary, then its standbys;
    /// `isolate-primary`, `kill-primary`, `pause-primary`: the primary; a failover: the
    /// fenced old primary, then the promoted node). `nil` where nobody recorded them.
    public var nodes: [String]?
    /// For a failover's `start-fault` `:ok`: how long the promotion took, in nanoseconds
    /// (`pg_promote` until the node accepted writes).
    public var promotion: Int64?

    /// Creates an operation.
    public init(
        index: Int, time: Int64, process: Process, type: Kind, f: Function,
        value: Int? = nil, values: [Int]? = nil, error: String? = nil, warning: String? = nil,
        fault: String? = nil, evidence: String? = nil, resolution: Resolution? = nil, attempt: Int? = nil,
        node: String? = nil, promotion: Int64? = nil, nodes: [String]? = nil
    ) {
        self.index = index
        self.time = time
        self.process = process
        self.type = type
        self.f = f
        self.value = value
        self.values = values
        self.error = error
        self.warning = warning
        self.fault = fault
        self.evidence = evidence
        self.resolution = resolution
        self.attempt = attempt
        self.node = node
        self.nodes = nodes
        self.promotion = promotion
    }
}
