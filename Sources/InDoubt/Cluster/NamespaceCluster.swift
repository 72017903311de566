import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL nodes, each in its own network namespace, on a bridge in a namespace of its
/// own (`ClusterNetwork`) that the root namespace reaches over one veth.
///
/// ```swift
/// let cluster = try await NamespaceCluster.start(nodes: 1, installation: .newest())
/// defer { Task { await cluster.shutdown() } }
/// let connection = try await PostgresConnection.connect(cluster.nodes[0].connectionOptions(), deadline: .after(.seconds(2)))
/// ```
///
/// Each cluster claims a slot from ``SlotRegistry``, so clusters started in parallel (in
/// one process or several) get distinct names and subnets. ``shutdown()`` removes
/// everything; if the process dies first, the ``Reaper`` does.
public final class NamespaceCluster: Sendable {
    /// The slot: names and subnet derive from it.
    public let slot: Int
    /// The nodes, `n1`, `n2`, ...
    public let nodes: [PostgresNode]
    /// The installation every node runs.
    public let installation: PostgresInstallation
    /// The cluster's folder.
    public let folder: URL
    /// The root namespace's address on the cluster network (the client's source address).
    public let clientAddress: String
    /// How long each node took from launch to ready, in node order.
    public let readyTimes: [Duration]
    /// The streaming-replication topology, or `nil` for independent nodes.
    public let replication: Replication?
    /// For a replicated cluster: from the first node's launch until every standby streamed
    /// (synchronously, where ``replication`` asks for it).
    public let replicationReadyTime: Duration?

    /// The index of the current primary: `n1` until a ``failover()``.
    let primaryIndex = Mutex(0)
    /// The partitions the nemesis applied, by fault, so that a heal after a failover removes
    /// the rules of the nodes they were applied to.
    let appliedPartitions = Mutex<[Fault.Kind: NodePartition]>([:])
    /// The processes `pause-primary` stopped, by node, so that its heal resumes exactly those
    /// (also after a failover made another node the primary).
    let pausedProcesses = Mutex<[String: [Int32]]>([:])
    private let isShutDown = Mutex(false)
    private static let live = Mutex<[Int: NamespaceCluster]>([:])

    private init(slot: Int, nodes: [PostgresNode], installation: PostgresInstallation, folder: URL,
                 clientAddress: String, readyTimes: [Duration], replication: Replication?, replicationReadyTime: Duration?) {
        self.slot = slot
        self.nodes = nodes
        self.installation = installation
        self.folder = folder
        self.clientAddress = clientAddress
        self.readyTimes = readyTimes
        self.replication = replication
        self.replicationReadyTime = replicationReadyTime
    }

    /// Starts `count` nodes and waits until each accepts a real connection.
    ///
    /// - Parameters:
    ///   - count: How many nodes (1 or more).
    ///   - installation: The PostgreSQL to run.
    ///   - settings: Extra server settings (`max_prepared_transactions`, keepalives, ...).
    ///   - templateCache: Where the `initdb` template is cached (default ``TemplateCache/directory``);
    ///     an empty folder forces a cold `initdb`.
    ///   - logger: Where progress goes.
    public static func start(
        nodes count: Int = 1,
        installation: PostgresInstallation,
        settings: [String: String] = [:],
        templateCache: URL? = nil,
        logger: Logger = Logger(label: "indoubt.cluster")
    ) async throws -> NamespaceCluster {
        precondition(count >= 1, "a cluster needs at least one node")
        return try await launch(count: count, replication: nil, installation: installation, settings: settings,
                                templateCache: templateCache, logger: logger)
    }

    /// Starts the nodes, as independent servers or, with `replication`, as a primary and its
    /// standbys (see ``start(replication:installation:settings:templateCache:logger:)``).
    static func launch(
        count: Int, replication: Replication?, installation: PostgresInstallation, settings: [String: String],
        templateCache: URL?, logger: Logger
    ) async throws -> NamespaceCluster {
        try Prerequisites.require()
        let reaped = try await SlotRegistry.locked { try Reaper.reap() }
        if !reaped.isEmpty {
            logger.notice("reaped what dead runs left: \(reaped)")
        }
        let template = try await TemplateCache.template(for: installation, in: templateCache ?? TemplateCache.directory)
        let owner = ProcessIdentity.current
        let slot = try await SlotRegistry.locked { try SlotRegistry.claim(owner: owner) }
        let folder = Naming.folder(slot: slot, owner: owner.pid)
        let subnet = Naming.subnet(slot: slot)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let nodes = (0..<count).map { index in
                PostgresNode(
                    name: "n\(index + 1)", index: index,
                    namespace: Naming.namespace(slot: slot, node: index, owner: owner.pid),
                    address: "\(subnet).\(10 + index)", port: 5432,
                    interfaceName: Naming.nodeLink(slot: slot, node: index), installation: installation,
                    folder: folder.appendingPathComponent("n\(index + 1)"),
                    settings: (replication?.settings(forNode: index) ?? [:]).merging(settings) { $1 })
            }
            let members = nodes.map { ClusterNetwork.Member(index: $0.index, namespace: $0.namespace, address: $0.address) }
            try await ClusterNetwork(slot: slot, owner: owner.pid, members: members).create()
            let launched = ContinuousClock.now
            let readyTimes: [Duration]
            var replicationReadyTime: Duration?
            if let replication {
                readyTimes = try await startReplicated(nodes, replication, template: template, subnet: subnet)
                replicationReadyTime = launched.duration(to: .now)
            } else {
                readyTimes = try await startIndependent(nodes, template: template)
            }
            let cluster = NamespaceCluster(
                slot: slot, nodes: nodes, installation: installation, folder: folder, clientAddress: "\(subnet).1",
                readyTimes: readyTimes, replication: replication, replicationReadyTime: replicationReadyTime)
            live.withLock { $0[slot] = cluster }
            let topology = replication.map { ", replication: \($0)" } ?? ""
            logger.info("cluster slot \(slot): \(nodes.count) node(s) of PostgreSQL \(installation.version) ready\(topology)")
            return cluster
        } catch {
            _ = try? await SlotRegistry.locked { try SlotRegistry.withLock { Reaper.tearDown(slot: slot) } }
            throw error
        }
    }

    /// Prepares and starts every node at once; returns each one's ready time.
    private static func startIndependent(_ nodes: [PostgresNode], template: URL) async throws -> [Duration] {
        try await startEach(nodes, count: nodes.count) { node in
            try await node.prepare(from: template)
            return try await node.start()
        }
    }

    /// Runs `body` on every node at once; returns the durations in node order (of `count`).
    static func startEach(_ nodes: [PostgresNode], count: Int,
                          _ body: @escaping @Sendable (PostgresNode) async throws -> Duration) async throws -> [Duration] {
        try await withThrowingTaskGroup(of: (Int, Duration).self) { group in
            for node in nodes { group.addTask { (node.index, try await body(node)) } }
            var times = Array(repeating: Duration.zero, count: count)
            for try await (index, time) in group { times[index] = time }
            return times
        }
    }

    /// Stops every server and removes namespaces, links, rules and folders. Idempotent.
    public func shutdown() async {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.stop(.immediate) } }
        }
        // Under the machine-wide lock, so that no claim sees the slot half released.
        let slot = self.slot
        _ = try? await SlotRegistry.locked { try SlotRegistry.withLock { Reaper.tearDown(slot: slot) } }
        _ = Self.live.withLock { $0.removeValue(forKey: slot) }
    }

    /// Tears down every cluster of this process at once, synchronously (for a SIGINT
    /// handler, where there is no time to await).
    public static func shutdownAllNow() {
        let clusters = live.withLock { clusters in
            defer { clusters.removeAll() }
            return Array(clusters.values)
        }
        for cluster in clusters {
            cluster.isShutDown.withLock { $0 = true }
            // Our own live slot: no machine-wide lock needed (another process may hold it).
            Reaper.tearDown(slot: cluster.slot)
        }
    }

    /// The node named `name` (`n1`, ...).
    public func node(_ name: String) throws -> PostgresNode {
        guard let node = nodes.first(where: { $0.name == name }) else { throw ClusterError.unknownNode(name) }
        return node
    }
}
