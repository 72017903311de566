import Foundation
import Logging

/// Starting a primary and its streaming standbys, and knowing which node is the primary.
extension NamespaceCluster {
    /// Starts `n1` as the primary and `replication.standbys` standbys (`n2`, …) that stream
    /// from it, and waits until every standby streams (and, for synchronous replication,
    /// until enough of them are `sync`/`quorum`). Each node runs in its own namespace on
    /// the cluster network, as in ``start(nodes:installation:settings:templateCache:logger:)``.
    public static func start(
        replication: Replication,
        installation: PostgresInstallation,
        settings: [String: String] = [:],
        templateCache: URL? = nil,
        logger: Logger = Logger(label: "indoubt.cluster")
    ) async throws -> NamespaceCluster {
        try await launch(count: replication.standbys + 1, replication: replication, installation: installation,
                         settings: settings, templateCache: templateCache, logger: logger)
    }

    /// The node that takes writes: `n1`, then whichever standby a failover promoted.
    public var primary: PostgresNode { nodes[primaryIndex.withLock { $0 }] }

    /// The standbys still in the cluster: every node but the primary and the fenced.
    public var standbys: [PostgresNode] {
        guard replication != nil else { return [] }
        let primary = primaryIndex.withLock { $0 }
        return nodes.filter { $0.index != primary && !$0.isFenced }
    }

    /// Prepares and starts a primary and its standbys; returns each node's ready time.
    /// From the template, all start at once (a standby retries its primary every 50 ms);
    /// from a base backup, the standbys wait for the primary.
    static func startReplicated(_ nodes: [PostgresNode], _ replication: Replication, template: URL,
                                subnet: String) async throws -> [Duration] {
        let primary = nodes[0]
        let standbys = Array(nodes.dropFirst())
        var times: [Duration]
        switch replication.seeding {
        case .template:
            times = try await startEach(nodes, count: nodes.count) { node in
                try await node.prepare(from: template)
                try node.allowReplication(subnet: subnet)
                if node.index > 0 { try await node.configureStandby(of: primary) }
                return try await node.start()
            }
        case .baseBackup:
            try await primary.prepare(from: template)
            try primary.allowReplication(subnet: subnet)
            let primaryTime = try await primary.start()
            times = try await startEach(standbys, count: nodes.count) { node in
                try await node.prepareBaseBackup(of: primary)
                try await node.configureStandby(of: primary)
                return try await node.start()
            }
            times[0] = primaryTime
        }
        try await waitUntilStreaming(primary: primary, standbys: standbys, replication: replication)
        return times
    }

    /// Waits until every standby streams from `primary` and at least
    /// ``Replication/requiredSynchronous`` of them are synchronous.
    static func waitUntilStreaming(primary: PostgresNode, standbys: [PostgresNode], replication: Replication,
                                   within timeout: Duration = .seconds(20)) async throws {
        try await replication.waitUntilStreaming(
            primary: primary.connectionOptions(applicationName: "indoubt-ready"), primaryName: primary.name,
            standbys: standbys.map(\.name), within: timeout, logTail: { standbys.first?.logTail() ?? "" })
    }
}
