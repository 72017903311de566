/// What a ``TopologyTarget`` did for a topology fault or its heal, for the history: the
/// evidence a reader checks it by (which rules, which pids got which signal, which node was
/// promoted), the node it acted on, and a failover's promotion time.
public struct TopologyFaultEffect: Sendable, Hashable {
    /// What was done, in words (`SIGSTOP to n1's pids 812, 815`).
    public var evidence: String?
    /// The node acted on: the killed or paused primary, the promoted standby.
    public var node: String?
    /// For a failover: how long the promotion took.
    public var promotionTime: Duration?

    /// Creates an effect.
    public init(evidence: String? = nil, node: String? = nil, promotionTime: Duration? = nil) {
        self.evidence = evidence
        self.node = node
        self.promotionTime = promotionTime
    }
}
