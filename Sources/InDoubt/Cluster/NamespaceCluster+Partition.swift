/// Partitions between the cluster's nodes, applied inside the nodes' namespaces.
extension NamespaceCluster {
    /// The replication link cut: the current primary and every standby drop each other's
    /// packets. Clients still reach every node.
    public func replicationCut() -> NodePartition {
        partition(between: [primary], and: standbys, name: "replication-cut")
    }

    /// The current primary cut off from everything: clients and standbys alike.
    public func primaryIsolation() -> NodePartition {
        NodePartition.isolating(primary.name)
    }

    /// The clients cut off from the current primary: it drops the packets of the root
    /// namespace's address on the cluster network (``clientAddress``, where every client,
    /// resolver and final read comes from); its standbys still stream from it.
    public func clientCut() -> NodePartition {
        NodePartition(name: "client-cut", cuts: [NodePartition.Cut(node: primary.name, peers: [clientAddress], tag: "client-cut")])
    }

    /// No traffic between any node of `side` and any of `other`.
    public func partition(between side: [PostgresNode], and other: [PostgresNode], name: String) -> NodePartition {
        NodePartition.between(side.map { ($0.name, $0.address) }, other.map { ($0.name, $0.address) }, name: name)
    }

    /// Applies `partition` in its nodes' namespaces.
    public func apply(_ partition: NodePartition) async throws {
        try await partition.apply(on: faultTargets)
    }

    /// Removes exactly what ``apply(_:)`` added.
    public func heal(_ partition: NodePartition) async throws {
        try await partition.heal(on: faultTargets)
    }

    private var faultTargets: [String: any FaultTarget] {
        Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0 as any FaultTarget) })
    }
}
