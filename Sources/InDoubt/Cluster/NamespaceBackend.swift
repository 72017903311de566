import Foundation

/// The default backend: each node in a network namespace of its own, a local PostgreSQL
/// installation, faults through the namespace's iptables and tc (root).
public struct NamespaceBackend: ServerBackend {
    public static let name = "netns"
    public static let summary = "a network namespace per node, a local PostgreSQL installation (root)"

    /// The PostgreSQL it runs.
    public let installation: PostgresInstallation
    /// A primary and its standbys instead of one node, when the request asks for them.
    public let replication: Replication?

    /// The installation `request.postgres` (else `INDOUBT_PG`) names, the newest without
    /// one; an explicit image is refused.
    public init(request: ServerRequest) throws {
        replication = request.replication
        if request.image != nil {
            throw ServerRequestError("an image is for the compose backend; the netns backend runs a local installation: choose it with --pg (or INDOUBT_PG)")
        }
        do {
            installation = try request.value(request.postgres, orEnvironment: "INDOUBT_PG")
                .map { try PostgresInstallation.resolve($0) } ?? PostgresInstallation.newest()
        } catch let error as ClusterError {
            throw ServerRequestError(error.description)
        }
    }

    public func problems() async -> [String] {
        Prerequisites.problems().map(\.description)
    }

    /// Starts one node, or with ``replication`` a ``NamespaceCluster`` whose primary the
    /// clients reach and which takes the topology faults.
    public func start(settings: [String: String]) async throws -> RunningServer {
        let cluster: NamespaceCluster
        let target: any ExperimentTarget
        let description: String
        if let replication {
            cluster = try await NamespaceCluster.start(replication: replication, installation: installation, settings: settings)
            target = cluster
            description = "PostgreSQL \(installation.version): primary \(cluster.primary.name) on \(cluster.primary.address):\(cluster.primary.port), "
                + "standbys \(cluster.standbys.map { "\($0.name) (\($0.address))" }.joined(separator: ", ")); \(replication)"
        } else {
            cluster = try await NamespaceCluster.start(nodes: 1, installation: installation, settings: settings)
            let node = cluster.nodes[0]
            target = node
            description = "PostgreSQL \(installation.version) on \(node.address):\(node.port) (namespace \(node.namespace))"
        }
        return RunningServer(
            target: target,
            description: description,
            postgresVersion: installation.version,
            stop: { await cluster.shutdown() },
            copyLogs: { folder in
                for node in cluster.nodes {
                    let copy = RunFolder(folder).serverLog(node: node.name)
                    try? FileManager.default.removeItem(at: copy)
                    try? FileManager.default.copyItem(at: node.logFile, to: copy)
                }
            })
    }

    public static func shutdownAllNow() { NamespaceCluster.shutdownAllNow() }
}
