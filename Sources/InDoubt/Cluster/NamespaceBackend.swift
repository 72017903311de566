import Foundation

/// The default backend: each node in a network namespace of its own, a local PostgreSQL
/// installation, faults through the namespace's iptables and tc (root).
public struct NamespaceBackend: ServerBackend {
    public static let name = "netns"
    public static let summary = "a network namespace per node, a local PostgreSQL installation (root)"

    /// The PostgreSQL it runs.
    public let installation: PostgresInstallation

    /// The installation `request.postgres` (else `INDOUBT_PG`) names, the newest without
    /// one; an explicit image is refused.
    public init(request: ServerRequest) throws {
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

    public func start(settings: [String: String]) async throws -> RunningServer {
        let cluster = try await NamespaceCluster.start(nodes: 1, installation: installation, settings: settings)
        let node = cluster.nodes[0]
        return RunningServer(
            target: node,
            description: "PostgreSQL \(installation.version) on \(node.address):\(node.port) (namespace \(node.namespace))",
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
