/// What the clusters' topology faults record, in one place for both backends.
extension TopologyFaultEffect {
    /// A partition applied: which node drops what, and the nodes that hold its rules.
    public init(applied partition: NodePartition) {
        self.init(
            evidence: partition.cuts
                .map { "\($0.node) drops \($0.peers?.joined(separator: ", ") ?? "everything")" }.joined(separator: "; "),
            nodes: partition.nodeNames)
    }

    /// A failover: what it did, the promoted node and its promotion time, and the fenced and
    /// promoted nodes, in that order.
    public init(_ failover: Failover) {
        self.init(
            evidence: failover.description, node: failover.newPrimary, promotionTime: failover.promotionTime,
            nodes: [failover.oldPrimary, failover.newPrimary])
    }
}
