/// What a run over several nodes did to them, read from the history alone (so that
/// `indoubt check` finds it again): the node the final read used, and the failover's
/// timing, from the fence of the old primary to the first write the new one acknowledged.
public struct TopologyReport: Sendable, Equatable {
    /// A failover, as the history records it.
    public struct Failover: Sendable, Equatable {
        /// The promoted node.
        public var promotedNode: String?
        /// How long `pg_promote` took, in seconds.
        public var promotionSeconds: Double?
        /// From the failover's start (the fence of the old primary) to the promoted node
        /// accepting writes, in seconds.
        public var failoverSeconds: Double
        /// From the end of the failover to the first write acknowledged after it, in
        /// seconds; `nil` when no write was acknowledged after it.
        public var firstAcknowledgedAfterSeconds: Double?
    }

    /// The node the final read used (`nil` when the history does not say).
    public var finalReadNode: String?
    /// The first failover that took effect, if any.
    public var failover: Failover?
    /// Whether the run had a topology fault at all (``Fault/Kind/isTopologyFault``): only
    /// then does the summary name nodes.
    public var hadTopologyFault: Bool

    /// An empty report (no final read, no failover).
    public init(finalReadNode: String? = nil, failover: Failover? = nil, hadTopologyFault: Bool = false) {
        self.finalReadNode = finalReadNode
        self.failover = failover
        self.hadTopologyFault = hadTopologyFault
    }

    /// The summary's lines: empty without a topology fault.
    public var lines: [String] {
        guard hadTopologyFault else { return [] }
        var lines = ["final read from \(finalReadNode ?? "an unrecorded node")"]
        if let failover {
            var line = "failover: \(failover.promotedNode ?? "a standby") promoted"
            if let promotion = failover.promotionSeconds { line += " in \(Self.seconds(promotion)) s" }
            line += ", \(Self.seconds(failover.failoverSeconds)) s from the fence"
            line += failover.firstAcknowledgedAfterSeconds.map { "; first acknowledged write \(Self.seconds($0)) s after" }
                ?? "; no write acknowledged after it"
            lines.append(line)
        }
        return lines
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
