import Foundation

/// The replication profile: a primary (`n1`, the `postgres` service) and one streaming
/// standby (`n2`, the `standby` service, seeded by `pg_basebackup -R` of the primary in its
/// entrypoint), each with its own fault sidecar, and which node is the primary.
extension ComposeCluster {
    /// The node that takes writes: `n1`, then the standby a failover promoted.
    public var primary: ComposeNode { nodes[primaryIndex.withLock { $0 }] }

    /// The standbys still in the cluster: every node but the primary and the fenced.
    public var standbys: [ComposeNode] {
        let primary = primaryIndex.withLock { $0 }
        let fenced = fencedNodes.withLock { $0 }
        return nodes.enumerated().filter { $0.offset != primary && !fenced.contains($0.element.name) }.map(\.element)
    }

    /// The node named `name` (`n1`, `n2`).
    public func node(_ name: String) throws -> ComposeNode {
        guard let node = nodes.first(where: { $0.name == name }) else { throw ClusterError.unknownNode(name) }
        return node
    }

    /// The primary's settings: the defaults, the replication's (`synchronous_standby_names`,
    /// `synchronous_commit`) and the `hba_file` that lets the standby in, then the caller's.
    public static func primarySettings(_ settings: [String: String], replication: Replication?) -> [String: String] {
        var merged = PostgresNode.defaultSettings
        if let replication {
            merged.merge(replication.settings(forNode: 0)) { $1 }
            merged["hba_file"] = ComposeProject.replicationHBAFile
        }
        return merged.merging(settings) { $1 }
    }

    /// The standby's settings: the defaults, a quick retry of a lost primary, and its name as
    /// `cluster_name`, which its WAL receiver sends as `application_name` (the name
    /// `synchronous_standby_names` lists; `pg_basebackup -R` writes no application name),
    /// then the caller's (a hot standby needs `max_connections` and the like at least as
    /// high as the primary's, so they apply to both).
    public static func standbySettings(_ settings: [String: String]) -> [String: String] {
        PostgresNode.defaultSettings
            .merging(Replication.standbySettings) { $1 }
            .merging(["cluster_name": Replication.standbyNames(1)[0]]) { $1 }
            .merging(settings) { $1 }
    }

    /// The running node of `service`: its published port, its containers and, when asked,
    /// its address on the project's network (what the partitions between nodes cut).
    static func node(_ project: ComposeProject, name: String, service: String, sidecar: String,
                     withAddress: Bool) async throws -> ComposeNode {
        let portOutput = try await run(project.portCommand(service)).stdout
        guard let port = ComposeProject.parsePublishedPort(portOutput) else {
            throw ComposeError.portNotPublished(project: project.name, output: "\(service): \(portOutput)")
        }
        let postgres = try await containerID(project, service)
        let sidecarID = try await containerID(project, sidecar)
        var address: String?
        if withAddress {
            let output = try await run(project.addressCommand(container: postgres)).stdout
            address = output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
            guard address != nil else {
                throw ComposeError.startFailed(project: project.name, reason: "\(service) has no address on the project's network",
                                               logTail: await logTail(project))
            }
        }
        return ComposeNode(project: project.name, name: name, service: service, networkAddress: address, hostPort: port,
                           postgresContainer: postgres, sidecarContainer: sidecarID, image: project.postgresImage, docker: project.docker)
    }
}
