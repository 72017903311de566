/// A network fault between the clients and a PostgreSQL server, applied inside the
/// server's network namespace (or container) and healed exactly.
///
/// Each fault is a value: it can be described, turned into the exact iptables or tc
/// commands that apply it, and into the commands that undo precisely those.
public struct Fault: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of fault.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// No fault (a healthy network).
        case none
        /// Both directions dropped (the article's `drop_pg`).
        case partition
        /// Server→client dropped: every in-flight COMMIT applies, unacknowledged.
        case dropReplies = "drop-replies"
        /// Client→server dropped.
        case dropRequests = "drop-requests"
        /// Only the server's reply to COMMIT dropped (iptables `string` match): the
        /// article's lucky window, every time.
        case dropCommitAck = "drop-commit-ack"
        /// A rate-limited server→client link (`tc tbf`; this kernel has no netem).
        case slow
        /// New client packets answered with a TCP reset.
        case reset
        /// The replication link cut: the primary and its standbys stop exchanging packets
        /// (a ``TopologyTarget`` only; the clients still reach the primary).
        case replicationCut = "replication-cut"
        /// The primary cut off from everything: clients and standbys (a ``TopologyTarget``).
        case isolatePrimary = "isolate-primary"
        /// The clients cut off from the primary, which still streams to its standbys (a
        /// ``TopologyTarget``): the writes in flight may still commit and replicate.
        case clientCut = "client-cut"
        /// The primary fenced (stopped at once, never to take a write again) and the standby
        /// that replayed the most promoted; clients, resolvers and the final read follow it
        /// (a ``TopologyTarget``). Nothing to heal.
        case failover
        /// SIGKILL of the primary's postmaster, as a crash (a ``TopologyTarget``). Nothing to
        /// heal: the node stays down until a failover replaces it.
        case killPrimary = "kill-primary"
        /// SIGSTOP of every process of the primary's node (a ``TopologyTarget``): it holds its
        /// connections and answers nothing. The heal sends SIGCONT to the same processes.
        case pausePrimary = "pause-primary"

        /// Whether a heal undoes it: a failover and a killed primary stay as they are, so
        /// they can neither last a while nor repeat (``FaultSchedule/cycle``).
        public var isHealable: Bool { self != .failover && self != .killPrimary }

        /// Whether the fault acts between a topology's nodes rather than on one server's link.
        public var isTopologyFault: Bool {
            switch self {
            case .replicationCut, .isolatePrimary, .clientCut, .failover, .killPrimary, .pausePrimary: return true
            case .none, .partition, .dropReplies, .dropRequests, .dropCommitAck, .slow, .reset: return false
            }
        }

        /// One line on what it does, for `--help` and reports.
        public var summary: String {
            switch self {
            case .none: return "no fault"
            case .partition: return "drop all PostgreSQL traffic both ways"
            case .dropReplies: return "drop server→client traffic (replies vanish, requests arrive)"
            case .dropRequests: return "drop client→server traffic (requests vanish)"
            case .dropCommitAck: return "drop only the server's COMMIT acknowledgement"
            case .slow: return "rate-limit the server's link with tc tbf"
            case .reset: return "answer client packets with TCP resets"
            case .replicationCut: return "cut the replication link between the primary and its standbys"
            case .isolatePrimary: return "cut the primary off from its clients and its standbys"
            case .clientCut: return "cut the clients off from the primary, which still streams to its standbys"
            case .failover: return "fence the primary and promote the standby that replayed the most"
            case .killPrimary: return "SIGKILL the primary's postmaster (it stays down until a failover)"
            case .pausePrimary: return "SIGSTOP every process of the primary, SIGCONT at the heal"
            }
        }
    }

    /// The kind.
    public var kind: Kind
    /// The server's TCP port.
    public var port: Int
    /// The server-side interface, for `slow`.
    public var interface: String
    /// The `tbf` rate, for `slow` (tc syntax, e.g. `64kbit`).
    public var rate: String

    /// Creates a fault.
    public init(_ kind: Kind, port: Int = 5432, interface: String = "eth0", rate: String = "64kbit") {
        self.kind = kind
        self.port = port
        self.interface = interface
        self.rate = rate
    }

    public var description: String { kind.rawValue }

    /// The iptables rules (without `-A`/`-D`), as `CHAIN spec...`.
    public var iptablesRules: [[String]] {
        let tcp = ["-p", "tcp"]
        let fromServer = ["OUTPUT"] + tcp + ["--sport", String(port)]
        let toServer = ["INPUT"] + tcp + ["--dport", String(port)]
        let tag = ["-m", "comment", "--comment", "indoubt-\(kind.rawValue)"]
        switch kind {
        case .none, .slow, .replicationCut, .isolatePrimary, .clientCut, .failover, .killPrimary, .pausePrimary:
            return []
        case .partition:
            return [toServer + tag + ["-j", "DROP"], fromServer + tag + ["-j", "DROP"]]
        case .dropReplies:
            return [fromServer + tag + ["-j", "DROP"]]
        case .dropRequests:
            return [toServer + tag + ["-j", "DROP"]]
        case .dropCommitAck:
            return [fromServer + ["-m", "string", "--algo", "bm", "--string", "COMMIT"] + tag + ["-j", "DROP"]]
        case .reset:
            return [toServer + tag + ["-j", "REJECT", "--reject-with", "tcp-reset"]]
        }
    }

    /// Commands that apply the fault, each run inside the server's network namespace.
    public var applyCommands: [Command.Invocation] {
        if kind == .slow {
            return [Command.Invocation(["tc", "qdisc", "add", "dev", interface, "root", "tbf",
                                        "rate", rate, "burst", "4kb", "latency", "2s"])]
        }
        return Self.iptablesRestore(operation: "-A", rules: iptablesRules)
    }

    /// Commands that remove exactly what ``applyCommands`` added.
    public var healCommands: [Command.Invocation] {
        if kind == .slow {
            return [Command.Invocation(["tc", "qdisc", "del", "dev", interface, "root"])]
        }
        return Self.iptablesRestore(operation: "-D", rules: iptablesRules)
    }

    /// One atomic `iptables-restore --noflush` transaction that appends (`-A`) or deletes
    /// (`-D`) `rules`, so that both directions of a partition start and end at the same instant.
    static func iptablesRestore(operation: String, rules: [[String]]) -> [Command.Invocation] {
        guard !rules.isEmpty else { return [] }
        let lines = ["*filter"] + rules.map { ([operation] + $0).map(Self.quoteForRestore).joined(separator: " ") } + ["COMMIT", ""]
        return [Command.Invocation(["iptables-restore", "-w", "--noflush"], input: lines.joined(separator: "\n"))]
    }

    private static func quoteForRestore(_ word: String) -> String {
        word.contains(" ") ? "\"\(word)\"" : word
    }
}
