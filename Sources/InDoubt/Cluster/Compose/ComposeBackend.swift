import Foundation

/// Docker Compose: PostgreSQL from an image, published on 127.0.0.1, faults through a
/// sidecar that shares the container's network (see docs/compose.md); with
/// ``ServerRequest/replication``, the compose file's replication profile: a primary and one
/// streaming standby, each with its own sidecar (docs/replication.md).
public struct ComposeBackend: ServerBackend {
    public static let name = "compose"
    public static let summary = "Docker Compose: a PostgreSQL image plus a fault sidecar (docs/compose.md)"

    /// The PostgreSQL image (`INDOUBT_PG_IMAGE`, else `indoubt/postgres:15` when none was asked for).
    public let image: String
    /// A primary and its standby instead of one server, when the request asks for them.
    public let replication: Replication?

    /// The image `request.image` (else `INDOUBT_PG_IMAGE`) names; an explicit local
    /// installation (`postgres`) is refused, and so is more than one standby (the profile
    /// has one). The standby is always seeded by `pg_basebackup`, whatever
    /// ``Replication/seeding`` says: a container has no template to copy.
    public init(request: ServerRequest) throws {
        if let replication = request.replication, replication.standbys != 1 {
            throw ServerRequestError(ComposeError.unsupportedReplication(replication).description)
        }
        replication = request.replication
        if request.postgres != nil {
            throw ServerRequestError("a local installation is for the netns backend; the compose backend runs an image: choose it with --pg-image (or INDOUBT_PG_IMAGE)")
        }
        if let image = request.image, image.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ServerRequestError("an image needs a name, such as postgres:16")
        }
        image = ComposeProject.postgresImage(request.image, environment: request.environment)
    }

    public func problems() async -> [String] {
        await ComposeCluster.checkProblems(images: [image, ComposeProject.sidecarImage()]).map(\.description)
    }

    /// Starts a project; at most `ComposeCapacity` allows run at once in this process (a replicated
    /// one takes one place too). With ``replication`` the target is the ``ComposeCluster``,
    /// whose primary the clients reach and which takes the topology faults.
    public func start(settings: [String: String]) async throws -> RunningServer {
        await ComposeCapacity.shared.acquire()
        let cluster: ComposeCluster
        do {
            cluster = try await ComposeCluster.start(image: image, settings: settings, replication: replication)
        } catch {
            await ComposeCapacity.shared.release()
            throw error
        }
        let node = cluster.node
        let target: any ExperimentTarget
        let description: String
        if let replication {
            target = cluster
            description = "PostgreSQL \(cluster.serverVersion) from image \(image): primary \(node.name) on 127.0.0.1:\(node.hostPort), "
                + "standby \(cluster.standbys.map { "\($0.name) on 127.0.0.1:\($0.hostPort)" }.joined(separator: ", ")); \(cluster.replication ?? replication) "
                + "(compose project \(node.project), faults through each node's sidecar)"
        } else {
            target = node
            description = "PostgreSQL \(cluster.serverVersion) from image \(image) on 127.0.0.1:\(node.hostPort) (compose project \(node.project), faults through its sidecar)"
        }
        return RunningServer(
            target: target,
            description: description,
            postgresVersion: cluster.serverVersion,
            stop: {
                await cluster.shutdown()
                await ComposeCapacity.shared.release()
            },
            copyLogs: { folder in
                for node in cluster.nodes {
                    // One server: the file keeps its old name (`postgres`); a topology's are by node.
                    let copy = RunFolder(folder).serverLog(node: replication == nil ? ComposeProject.postgresService : node.name)
                    try? cluster.serverLog(of: node).write(to: copy, atomically: true, encoding: .utf8)
                }
            })
    }

    public static func shutdownAllNow() { ComposeCluster.shutdownAllNow() }
}
