/// Faults on the primary node itself on compose: a crash (`kill-primary`, `docker kill`) and a
/// freeze (`pause-primary`, `docker pause`), each with what it did as evidence.
extension ComposeCluster {
    /// SIGKILL of the current primary's server (its container's pid 1); the container stops
    /// and stays down until a ``failover(probeDeadline:)`` promotes the standby.
    func killPrimary() async throws -> TopologyFaultEffect {
        let node = primary
        guard try await node.state() == "running" else { throw ClusterError.nodeNotRunning(node: node.name) }
        try await node.killServer()
        return TopologyFaultEffect(evidence: "SIGKILL to \(node.name)'s server (docker kill of container \(node.postgresContainer.prefix(12)))",
                                   node: node.name, nodes: [node.name])
    }

    /// `docker pause` of the current primary's server container: every process frozen, its
    /// connections held open, nothing answered.
    func pausePrimary() async throws -> TopologyFaultEffect {
        let node = primary
        guard try await node.state() == "running" else { throw ClusterError.nodeNotRunning(node: node.name) }
        try await node.pauseServer(true)
        pausedNodes.withLock { _ = $0.insert(node.name) }
        return TopologyFaultEffect(evidence: "docker pause of \(node.name)'s server container \(node.postgresContainer.prefix(12))", node: node.name,
                                   nodes: [node.name])
    }

    /// `docker unpause` of the containers ``pausePrimary()`` paused that are paused still (a
    /// failover meanwhile kills the fenced one).
    func resumePaused() async throws -> TopologyFaultEffect {
        let paused = pausedNodes.withLock { paused in
            defer { paused.removeAll() }
            return paused.sorted()
        }
        var resumed: [String] = []
        for name in paused {
            let node = try node(name)
            if try await node.state() == "paused" {
                try await node.pauseServer(false)
                resumed.append("docker unpause of \(name)'s server container")
            } else {
                resumed.append("\(name)'s server is no longer paused")
            }
        }
        return TopologyFaultEffect(evidence: resumed.isEmpty ? nil : resumed.joined(separator: "; "), node: paused.first, nodes: paused)
    }
}
