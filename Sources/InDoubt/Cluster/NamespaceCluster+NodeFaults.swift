#if canImport(Glibc)
import Glibc
#endif

/// Faults on the primary node itself, as the nemesis applies them: a crash (`kill-primary`)
/// and a freeze (`pause-primary`), each with the pids it signalled as evidence.
extension NamespaceCluster {
    /// SIGKILL of the current primary's postmaster; its children exit on their own. Nothing
    /// restarts it: it stays down until a ``failover()`` promotes a standby.
    func killPrimary() async throws -> TopologyFaultEffect {
        let node = primary
        guard let pid = node.serverPID else { throw ClusterError.nodeNotRunning(node: node.name) }
        await node.kill()
        return TopologyFaultEffect(evidence: "SIGKILL to \(node.name)'s postmaster, pid \(pid)", node: node.name, nodes: [node.name])
    }

    /// SIGSTOP of every process of the current primary (``PostgresNode/pause(_:)``); the pids
    /// are kept so that the heal resumes exactly those.
    func pausePrimary() async throws -> TopologyFaultEffect {
        let node = primary
        guard node.serverPID != nil else { throw ClusterError.nodeNotRunning(node: node.name) }
        let pids = try await node.pause(true)
        pausedProcesses.withLock { $0[node.name] = pids }
        return TopologyFaultEffect(evidence: "SIGSTOP to \(node.name)'s pids \(Self.list(pids))", node: node.name, nodes: [node.name])
    }

    /// SIGCONT to the processes ``pausePrimary()`` stopped that still run in their node's
    /// namespace (a failover meanwhile fences the node, and its pids may be reused).
    func resumePaused() async throws -> TopologyFaultEffect {
        let paused = pausedProcesses.withLock { paused in
            defer { paused.removeAll() }
            return paused
        }
        var resumed: [String] = []
        for (name, pids) in paused.sorted(by: { $0.key < $1.key }) {
            let alive = Set(try await node(name).processes())
            let still = pids.filter(alive.contains)
            for pid in still { Glibc.kill(pid, SIGCONT) }
            resumed.append(still.isEmpty ? "\(name)'s paused pids are gone" : "SIGCONT to \(name)'s pids \(Self.list(still))")
        }
        return TopologyFaultEffect(
            evidence: resumed.isEmpty ? nil : resumed.joined(separator: "; "), node: paused.keys.sorted().first,
            nodes: paused.keys.sorted())
    }

    private static func list(_ pids: [Int32]) -> String { pids.map(String.init).joined(separator: ", ") }
}
