/// Failover on compose: fence the primary's container, promote the standby.
extension ComposeCluster {
    /// Fences the current primary (`docker kill` of its server container, which stays
    /// stopped, so it never takes a write again; its sidecar keeps running and holds the
    /// rules), then promotes the standby that has replayed the most WAL, through its
    /// published port, and makes it ``primary``: the clients, the resolvers and the final
    /// read connect to its port from then on. A standby that does not answer within
    /// `probeDeadline` is passed over.
    @discardableResult
    public func failover(probeDeadline: Duration = .seconds(2)) async throws -> Failover {
        guard replication != nil else { throw ClusterError.noStandbyToPromote(reason: "the cluster has no replication") }
        let old = primary
        let candidates = standbys
        fencedNodes.withLock { _ = $0.insert(old.name) }
        try await old.killServer()
        var positions: [String: LogSequenceNumber] = [:]
        var chosen: ComposeNode?
        for standby in candidates {
            let options = standby.connectionOptions(applicationName: "indoubt-position")
            guard let position = try? await Promotion.replayPosition(options, deadline: .after(probeDeadline)) else { continue }
            positions[standby.name] = position
            if chosen == nil || position > positions[chosen!.name]! { chosen = standby }
        }
        guard let chosen, let index = nodes.firstIndex(of: chosen) else {
            throw ClusterError.noStandbyToPromote(reason: "none of \(candidates.map(\.name)) answered within \(probeDeadline)")
        }
        let took = try await Promotion.promote(chosen.connectionOptions(applicationName: "indoubt-promote"), name: chosen.name,
                                               within: .seconds(30))
        primaryIndex.withLock { $0 = index }
        return Failover(oldPrimary: old.name, newPrimary: chosen.name, promotionTime: took, replayPositions: positions)
    }

    /// Whether a failover fenced `node`.
    public func isFenced(_ node: ComposeNode) -> Bool { fencedNodes.withLock { $0.contains(node.name) } }
}
