/// What a ``TopologyTarget`` did for a topology fault or its heal, for the history: the
/// evidence a reader checks it by (which rules, which pids got which signal, which node was
/// promoted), the nodes it acted on, and a failover's promotion time.
public struct TopologyFaultEffect: Sendable, Hashable {
    /// What was done, in words (`SIGSTOP to n1's pids 812, 815`).
    public var evidence: String?
    /// The node acted on: the killed or paused primary, the promoted standby.
    public var node: String?
    /// Every node the fault acted on, the primary of the moment first: both ends of a
    /// replication cut (the primary, then its standbys), the isolated, killed or paused
    /// primary, a failover's fenced old primary and then its promoted node. The timeline
    /// draws a lane per node from them (``HistoryOperation/nodes``); empty when the target
    /// does not say.
    public var nodes: [String]
    /// For a failover: how long the promotion took.
    public var promotionTime: Duration?

    /// Creates an effect.
    public init(evidence: String? = nil, node: String? = nil, promotionTime: Duration? = nil, nodes: [String] = []) {
        self.evidence = evidence
        self.node = node
        self.nodes = nodes
        self.promotionTime = promotionTime
    }
}
