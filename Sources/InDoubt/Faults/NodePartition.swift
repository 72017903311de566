/// A partition between the nodes of a cluster (the replication link, or one node from
/// everything), as iptables rules inside each affected node's own network namespace, never
/// the root namespace's, and healed exactly.
///
/// Like ``Fault`` it is a value: ``Cut/applyCommands`` and ``Cut/healCommands`` are the
/// exact commands, and healing deletes precisely the rules applying appended.
public struct NodePartition: Sendable, Hashable, CustomStringConvertible {
    /// What one node drops.
    public struct Cut: Sendable, Hashable {
        /// The node whose namespace holds the rules (its ``FaultTarget/targetName``).
        public var node: String
        /// The addresses it stops exchanging packets with; `nil` for every address but
        /// loopback (clients, standbys, all).
        public var peers: [String]?
        /// The rules' comment, `indoubt-NAME`, so that they can be told from others.
        public var tag: String

        /// Creates a cut.
        public init(node: String, peers: [String]?, tag: String) {
            self.node = node
            self.peers = peers
            self.tag = tag
        }

        /// The iptables rules (without `-A`/`-D`), as `CHAIN spec...`: each direction of each
        /// peer dropped, or everything off loopback.
        public var iptablesRules: [[String]] {
            let comment = ["-m", "comment", "--comment", "indoubt-\(tag)", "-j", "DROP"]
            guard let peers else {
                return [["INPUT", "!", "-i", "lo"] + comment, ["OUTPUT", "!", "-o", "lo"] + comment]
            }
            return peers.flatMap { peer in [["INPUT", "-s", peer] + comment, ["OUTPUT", "-d", peer] + comment] }
        }

        /// The commands that apply the cut, inside the node's namespace (one atomic
        /// `iptables-restore` transaction).
        public var applyCommands: [Command.Invocation] { Fault.iptablesRestore(operation: "-A", rules: iptablesRules) }

        /// The commands that remove exactly what ``applyCommands`` added.
        public var healCommands: [Command.Invocation] { Fault.iptablesRestore(operation: "-D", rules: iptablesRules) }
    }

    /// A name for logs and rule comments: `replication-cut`, `isolate-n1`.
    public var name: String
    /// Each node's part.
    public var cuts: [Cut]

    /// Creates a partition from its cuts.
    public init(name: String, cuts: [Cut]) {
        self.name = name
        self.cuts = cuts
    }

    public var description: String { name }

    /// The nodes that hold a cut, each once, in the order of ``cuts`` (a replication cut:
    /// the primary first, then its standbys).
    public var nodeNames: [String] {
        var seen: Set<String> = []
        return cuts.map(\.node).filter { seen.insert($0).inserted }
    }

    /// No packet between any node of `side` and any of `other`, both directions, dropped on
    /// both sides (so that either side alone would hold). Nodes are `(name, address)`.
    public static func between(_ side: [(name: String, address: String)], _ other: [(name: String, address: String)],
                               name: String) -> NodePartition {
        let cuts = side.map { Cut(node: $0.name, peers: other.map(\.address), tag: name) }
            + other.map { Cut(node: $0.name, peers: side.map(\.address), tag: name) }
        return NodePartition(name: name, cuts: cuts)
    }

    /// `node` cut off from every address but its own loopback: its clients and its peers.
    public static func isolating(_ node: String, name: String? = nil) -> NodePartition {
        let name = name ?? "isolate-\(node)"
        return NodePartition(name: name, cuts: [Cut(node: node, peers: nil, tag: name)])
    }

    /// Applies every cut in its node's target (`targets` by name), all at once.
    public func apply(on targets: [String: any FaultTarget]) async throws {
        try await run(on: targets) { $0.applyCommands }
    }

    /// Heals every cut: removes exactly what ``apply(on:)`` added.
    public func heal(on targets: [String: any FaultTarget]) async throws {
        try await run(on: targets) { $0.healCommands }
    }

    private func run(on targets: [String: any FaultTarget],
                     _ commands: @escaping @Sendable (Cut) -> [Command.Invocation]) async throws {
        let placed = try cuts.map { cut in
            guard let target = targets[cut.node] else { throw NodePartitionError(node: cut.node, partition: name) }
            return (target, cut)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (target, cut) in placed { group.addTask { try await target.run(commands(cut)) } }
            try await group.waitForAll()
        }
    }
}
