/// Partitions between the compose cluster's nodes, as iptables rules in each node's sidecar
/// (the container's own network namespace), never the host's.
extension ComposeCluster {
    /// The replication link cut: the current primary and its standby drop each other's
    /// packets, by their addresses on the project's network. Clients, which come through
    /// Docker's port proxy from the network's gateway, still reach both.
    public func replicationCut() throws -> NodePartition {
        let side = [primary], other = standbys
        return NodePartition.between(try Self.addressed(side), try Self.addressed(other), name: "replication-cut")
    }

    /// The current primary cut off from everything but its loopback: the standby, and the
    /// clients too, whose connections come through Docker's port proxy (from the gateway
    /// address) over the container's `eth0`. The proxy still accepts them on 127.0.0.1 and
    /// holds them open, so only the clients' deadlines end their calls. Docker's embedded DNS
    /// (127.0.0.11) is on loopback and keeps working.
    public func primaryIsolation() -> NodePartition {
        NodePartition.isolating(primary.name)
    }

    /// Applies `partition` through its nodes' sidecars.
    public func apply(_ partition: NodePartition) async throws {
        try await partition.apply(on: faultTargets)
    }

    /// Removes exactly what ``apply(_:)`` added; the sidecar of a fenced node still holds its
    /// namespace and its rules, so this works after a failover too.
    public func heal(_ partition: NodePartition) async throws {
        try await partition.heal(on: faultTargets)
    }

    private var faultTargets: [String: any FaultTarget] {
        Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0 as any FaultTarget) })
    }

    private static func addressed(_ nodes: [ComposeNode]) throws -> [(name: String, address: String)] {
        try nodes.map { node in
            guard let address = node.networkAddress else { throw ClusterError.unknownNode("\(node.name) (no network address)") }
            return (node.name, address)
        }
    }
}
