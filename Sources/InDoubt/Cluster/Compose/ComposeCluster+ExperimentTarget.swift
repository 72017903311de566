/// A replicated compose cluster as the experiment's server: the clients, the resolvers and
/// the final read reach the current primary's published port (after a failover, the
/// promoted standby's), and the client-side faults go into the primary's sidecar.
extension ComposeCluster: ExperimentTarget {
    public var backendName: String { ComposeBackend.name }

    public func connectionOptions(applicationName: String) -> ConnectionOptions {
        primary.connectionOptions(applicationName: applicationName)
    }

    /// The primary's node name (`n1`, `n2`): the name the history gives the final read.
    public var targetName: String { primary.name }
    public var serverPort: Int { primary.serverPort }
    public var serverInterface: String { primary.serverInterface }

    public func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        primary.pendingSends(in: table, clientPorts: clientPorts)
    }

    @discardableResult
    public func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await primary.runInNetwork(invocation)
    }
}

extension ComposeCluster: TopologyTarget {
    public var primaryName: String { primary.name }

    public func waitUntilStandbysReplayed(deadline: Deadline) async throws {
        let primary = self.primary
        try await Replication.waitUntilReplayed(
            primary: primary.connectionOptions(applicationName: "indoubt-ready"), primaryName: primary.name,
            standbys: nodes.filter { $0.name != primary.name }.map(\.name), deadline: deadline)
    }

    public func applyTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        guard replication != nil else { throw TopologyFaultError(kind: kind, target: "compose project \(project.name)") }
        switch kind {
        case .replicationCut, .isolatePrimary:
            let partition = kind == .replicationCut ? try replicationCut() : primaryIsolation()
            try await apply(partition)
            appliedPartitions.withLock { $0[kind] = partition }
            return TopologyFaultEffect(applied: partition)
        case .failover:
            return TopologyFaultEffect(try await failover())
        case .clientCut:
            throw TopologyFaultError(kind: kind, target: "compose project \(project.name)",
                                     reason: "built for the netns backend only: on compose the clients come through Docker's port proxy")
        case .killPrimary:
            return try await killPrimary()
        case .pausePrimary:
            return try await pausePrimary()
        default:
            throw TopologyFaultError(kind: kind, target: "compose project \(project.name)")
        }
    }

    public func healTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        if kind == .pausePrimary { return try await resumePaused() }
        guard let partition = appliedPartitions.withLock({ $0.removeValue(forKey: kind) }) else { return TopologyFaultEffect() }
        try await heal(partition)
        return TopologyFaultEffect(nodes: partition.nodeNames)
    }
}
