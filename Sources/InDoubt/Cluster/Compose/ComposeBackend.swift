import Foundation

/// Docker Compose: PostgreSQL from an image, published on 127.0.0.1, faults through a
/// sidecar that shares the container's network (see docs/compose.md).
public struct ComposeBackend: ServerBackend {
    public static let name = "compose"
    public static let summary = "Docker Compose: a PostgreSQL image plus a fault sidecar (docs/compose.md)"

    /// The PostgreSQL image (`INDOUBT_PG_IMAGE`, else `indoubt/postgres:15` when none was asked for).
    public let image: String

    /// The image `request.image` (else `INDOUBT_PG_IMAGE`) names; an explicit local
    /// installation (`postgres`) is refused.
    public init(request: ServerRequest) throws {
        if let replication = request.replication {
            throw ServerRequestError("the compose backend has no replication profile yet, so it cannot start \(replication); run standbys on the netns backend (drop --backend compose)")
        }
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

    /// Starts a project; at most ``ComposeCapacity`` run at once in this process.
    public func start(settings: [String: String]) async throws -> RunningServer {
        await ComposeCapacity.shared.acquire()
        let cluster: ComposeCluster
        do {
            cluster = try await ComposeCluster.start(image: image, settings: settings)
        } catch {
            await ComposeCapacity.shared.release()
            throw error
        }
        let node = cluster.node
        return RunningServer(
            target: node,
            description: "PostgreSQL \(cluster.serverVersion) from image \(image) on 127.0.0.1:\(node.hostPort) (compose project \(node.project), faults through its sidecar)",
            postgresVersion: cluster.serverVersion,
            stop: {
                await cluster.shutdown()
                await ComposeCapacity.shared.release()
            },
            copyLogs: { folder in
                let copy = RunFolder(folder).serverLog(node: ComposeProject.postgresService)
                try? cluster.serverLog().write(to: copy, atomically: true, encoding: .utf8)
            })
    }

    public static func shutdownAllNow() { ComposeCluster.shutdownAllNow() }
}
