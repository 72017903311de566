import ArgumentParser
import Foundation
import InDoubt

/// The server `indoubt run` writes to, on the backend `--backend` names: a namespace node
/// (`netns`, the default) or a Docker Compose project (`compose`).
struct RunServer: Sendable {
    /// The backends `--backend` accepts.
    enum Backend: String, CaseIterable {
        case netns
        case compose
    }

    /// Where the experiment writes and injects faults.
    let target: any ExperimentTarget
    /// One line for the run's header.
    let description: String
    /// The server's version, for results.json.
    let postgresVersion: String
    private let stop: @Sendable () async -> Void
    private let copyLogs: @Sendable (URL) -> Void

    /// Removes the namespace node or the compose project.
    func shutdown() async { await stop() }

    /// Keeps the server's log in the run folder as `server-NODE.log` (blocking, so that the
    /// SIGINT handler can call it).
    func copyServerLogs(to folder: URL) { copyLogs(folder) }

    /// A node that `indoubt serve` keeps: nothing to start or stop here (the faults the
    /// run applies are healed by the run, or by `indoubt heal` after a kill).
    static func served(_ file: String, backend: String, pg: String?, pgImage: String?) throws -> RunServer {
        guard backend == Backend.netns.rawValue, pg == nil, pgImage == nil else {
            throw ValidationError("--server uses the node `indoubt serve` keeps: drop --backend, --pg and --pg-image")
        }
        let node: ServedNode
        do {
            node = try ServedNode.read(from: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError(String(describing: error))
        }
        return RunServer(
            target: node,
            description: "PostgreSQL \(node.postgresVersion) on \(node.address):\(node.port) (namespace \(node.namespace), kept by indoubt serve, pid \(node.ownerPID))",
            postgresVersion: node.postgresVersion, stop: {},
            copyLogs: { folder in try? node.write(to: RunFolder(folder).serverDescription) })
    }

    /// Checks the backend options, turning mistakes into exit code 2 with the fix.
    static func validate(backend name: String, pg: String?, pgImage: String?) throws {
        guard let backend = Backend(rawValue: name) else {
            throw ValidationError("unknown backend '\(name)'; choose one of: \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch backend {
        case .netns:
            if pgImage != nil { throw ValidationError("--pg-image needs --backend compose (the netns backend runs a local installation: use --pg)") }
            _ = try CLISupport.installation(pg)
        case .compose:
            if pg != nil { throw ValidationError("--pg needs --backend netns (the compose backend runs an image: use --pg-image or INDOUBT_PG_IMAGE)") }
            if let pgImage, pgImage.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--pg-image needs an image name such as postgres:16")
            }
        }
    }

    /// Starts the server; missing prerequisites become exit code 2 with the fix.
    static func start(backend name: String, pg: String?, pgImage: String?, settings: [String: String]) async throws -> RunServer {
        try validate(backend: name, pg: pg, pgImage: pgImage)
        switch Backend(rawValue: name) ?? .netns {
        case .netns:
            let installation = try CLISupport.installation(pg)
            let cluster = try await CLISupport.cluster(nodes: 1, installation: installation, settings: settings)
            let node = cluster.nodes[0]
            return RunServer(
                target: node,
                description: "PostgreSQL \(installation.version) on \(node.address):\(node.port) (namespace \(node.namespace))",
                postgresVersion: installation.version,
                stop: { await cluster.shutdown() },
                copyLogs: { RunCommand.copyServerLogs(of: cluster, to: $0) })
        case .compose:
            let image = ComposeProject.postgresImage(pgImage)
            let problems = ComposeCluster.problems(images: [image, ComposeProject.sidecarImage()])
            if !problems.isEmpty {
                throw ValidationError(problems.map(\.description).joined(separator: "\n"))
            }
            let cluster = try await ComposeCluster.start(image: image, settings: settings)
            let node = cluster.node
            return RunServer(
                target: node,
                description: "PostgreSQL \(cluster.serverVersion) from image \(image) on 127.0.0.1:\(node.hostPort) (compose project \(node.project), faults through its sidecar)",
                postgresVersion: cluster.serverVersion,
                stop: { await cluster.shutdown() },
                copyLogs: { folder in
                    let target = RunFolder(folder).serverLog(node: ComposeProject.postgresService)
                    try? cluster.serverLog().write(to: target, atomically: true, encoding: .utf8)
                })
        }
    }

    /// Removes every server of this process at once (for the SIGINT handler).
    static func shutdownAllNow() {
        NamespaceCluster.shutdownAllNow()
        ComposeCluster.shutdownAllNow()
    }
}
