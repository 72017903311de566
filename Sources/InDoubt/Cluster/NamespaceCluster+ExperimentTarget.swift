/// A cluster as the experiment's server: the clients, the resolvers and the final read
/// reach whichever node is the primary when they connect (after a failover, the promoted
/// standby), and the client-side faults go into the primary's namespace.
extension NamespaceCluster: ExperimentTarget {
    public var backendName: String { NamespaceBackend.name }

    public func connectionOptions(applicationName: String) -> ConnectionOptions {
        primary.connectionOptions(applicationName: applicationName)
    }

    public var targetName: String { primary.targetName }
    public var serverPort: Int { primary.serverPort }
    public var serverInterface: String { primary.serverInterface }

    @discardableResult
    public func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await primary.runInNetwork(invocation)
    }
}

extension NamespaceCluster: TopologyTarget {
    public var primaryName: String { primary.name }

    public func waitUntilStandbysReplayed(deadline: Deadline) async throws {
        let primary = self.primary
        try await Replication.waitUntilReplayed(
            primary: primary.connectionOptions(applicationName: "indoubt-ready"), primaryName: primary.name,
            standbys: nodes.filter { $0.name != primary.name }.map(\.name), deadline: deadline)
    }

    public func applyTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        // Without standbys a cut would add no rule at all and pass for a fault in force.
        guard replication != nil else { throw TopologyFaultError(kind: kind, target: "cluster slot \(slot)") }
        switch kind {
        case .replicationCut, .isolatePrimary, .clientCut:
            let partition = switch kind {
            case .replicationCut: replicationCut()
            case .isolatePrimary: primaryIsolation()
            default: clientCut()
            }
            try await apply(partition)
            appliedPartitions.withLock { $0[kind] = partition }
            return TopologyFaultEffect(applied: partition)
        case .failover:
            return TopologyFaultEffect(try await failover())
        case .killPrimary:
            return try await killPrimary()
        case .pausePrimary:
            return try await pausePrimary()
        default:
            throw TopologyFaultError(kind: kind, target: "cluster slot \(slot)")
        }
    }

    public func healTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        if kind == .pausePrimary { return try await resumePaused() }
        guard let partition = appliedPartitions.withLock({ $0.removeValue(forKey: kind) }) else { return TopologyFaultEffect() }
        try await heal(partition)
        return TopologyFaultEffect(nodes: partition.nodeNames)
    }
}
