import Foundation
import Logging
import Synchronization

/// PostgreSQL in Docker Compose: one project (`indoubt-PID-N`) per cluster, with the
/// `postgres` service published on 127.0.0.1 and a `sidecar` that shares its network
/// namespace and injects the faults. With a ``Replication`` (the compose file's
/// `replication` profile) a `standby` streams from it, with a sidecar of its own, and the
/// cluster is the experiment's target (see ComposeCluster+Replication.swift).
///
/// ```swift
/// let cluster = try await ComposeCluster.start(image: "postgres:16")
/// let node = cluster.node            // an ExperimentTarget, like a namespace node
/// let outcome = try await Experiment(configuration: configuration, target: node).run()
/// await cluster.shutdown()           // docker compose down --volumes
/// ```
///
/// Each cluster is its own project, with its own network and a host port Docker picks, so
/// clusters started in parallel never collide. ``shutdown()`` removes everything; if the
/// process dies first, ``ComposeReaper`` removes the project by its owner labels the next
/// time a compose cluster starts or `indoubt reap` runs.
public final class ComposeCluster: Sendable {
    /// The project.
    public let project: ComposeProject
    /// The nodes: `n1` (the `postgres` service), and with replication `n2` (`standby`).
    public let nodes: [ComposeNode]
    /// The streaming-replication topology, or `nil` for one server.
    public let replication: Replication?
    /// From `docker compose up` to the first successful connection.
    public let readyTime: Duration
    /// The server's `server_version` (`16.4`, `15.18 (Debian 15.18-0+deb12u1)`).
    public let serverVersion: String

    /// The first node: the server, or the primary the cluster started with.
    public var node: ComposeNode { nodes[0] }

    /// The index of the current primary: `n1` until a ``failover(probeDeadline:)``.
    let primaryIndex = Mutex(0)
    /// The nodes a failover fenced (their containers killed, never to start again).
    let fencedNodes = Mutex<Set<String>>([])
    /// The partitions the nemesis applied, by fault, so that a heal after a failover removes
    /// the rules of the nodes they were applied to.
    let appliedPartitions = Mutex<[Fault.Kind: NodePartition]>([:])
    /// The nodes `pause-primary` paused (`docker pause`), so that its heal resumes exactly those.
    let pausedNodes = Mutex<Set<String>>([])
    private let isShutDown = Mutex(false)
    private static let live = Mutex<[String: ComposeCluster]>([:])
    private static let sequence = Atomic<Int>(0)

    private init(project: ComposeProject, nodes: [ComposeNode], replication: Replication?, readyTime: Duration, serverVersion: String) {
        self.project = project
        self.nodes = nodes
        self.replication = replication
        self.readyTime = readyTime
        self.serverVersion = serverVersion
    }

    /// Every problem that keeps compose clusters from running here with these images, each
    /// with its fix; empty when all is well.
    public static func problems(
        images: [String] = [ComposeProject.postgresImage(nil), ComposeProject.sidecarImage()],
        docker: String = Docker.cli()
    ) -> [ComposeError] {
        guard Command.find(docker) != nil else { return [.dockerMissing(docker)] }
        var problems: [ComposeError] = []
        do {
            try Command.runBlocking([docker, "info", "--format", "{{.ServerVersion}}"])
        } catch {
            return [.engineNotRunning((error as? CommandError)?.stderr ?? String(describing: error))]
        }
        do {
            try Command.runBlocking([docker, "compose", "version", "--short"])
        } catch {
            problems.append(.composeMissing((error as? CommandError)?.stderr ?? String(describing: error)))
        }
        for image in Set(images).sorted() where (try? Command.runBlocking([docker, "image", "inspect", "--format", "{{.Id}}", image])) == nil {
            problems.append(.imageMissing(image))
        }
        return problems
    }

    /// ``problems(images:docker:)`` off Swift's cooperative threads (it runs `docker`
    /// several times), for async callers such as test fixtures.
    public static func checkProblems(
        images: [String] = [ComposeProject.postgresImage(nil), ComposeProject.sidecarImage()],
        docker: String = Docker.cli()
    ) async -> [ComposeError] {
        (try? await Blocking.run { problems(images: images, docker: docker) }) ?? []
    }

    /// Starts a project and waits until its healthcheck passes and a real connection succeeds.
    ///
    /// - Parameters:
    ///   - image: The PostgreSQL image (default: `INDOUBT_PG_IMAGE`, else `indoubt/postgres:15`).
    ///   - sidecarImage: The sidecar image (default: `INDOUBT_SIDECAR_IMAGE`, else `indoubt/sidecar:latest`).
    ///   - settings: Extra server settings, over ``PostgresNode/defaultSettings``.
    ///   - hostPort: A fixed host port (of the primary); `nil` lets Docker pick a free one.
    ///   - replication: A standby that streams from the server (one at most), or `nil`.
    ///   - timeout: How long start-up may take (`readyWithin:`).
    ///   - file: The compose file (`INDOUBT_COMPOSE_FILE`, else the repository's docker-compose.yml).
    ///   - docker: The docker CLI to run.
    ///   - logger: Where progress goes.
    public static func start(
        image: String? = nil,
        sidecarImage: String? = nil,
        settings: [String: String] = [:],
        hostPort: Int? = nil,
        replication: Replication? = nil,
        readyWithin timeout: Duration = .seconds(90),
        file: ComposeFile = .fromEnvironment(),
        docker: String = Docker.cli(),
        logger: Logger = Logger(label: "indoubt.compose")
    ) async throws -> ComposeCluster {
        let postgresImage = ComposeProject.postgresImage(image)
        let sidecarImage = sidecarImage ?? ComposeProject.sidecarImage()
        if let replication, replication.standbys != 1 { throw ComposeError.unsupportedReplication(replication) }
        // The standby always comes from pg_basebackup (a container has no template to copy).
        var replication = replication
        replication?.seeding = .baseBackup
        if let problem = await checkProblems(images: [postgresImage, sidecarImage], docker: docker).first { throw problem }
        let reaped = try await Blocking.run { ComposeReaper.reap(docker: docker) }
        if !reaped.isEmpty { logger.notice("reaped compose projects of dead runs: \(reaped)") }

        let owner = ProcessIdentity.current
        let project = ComposeProject(
            name: ComposeProject.name(owner: owner.pid, sequence: sequence.add(1, ordering: .relaxed).oldValue),
            owner: owner, postgresImage: postgresImage, sidecarImage: sidecarImage, hostPort: hostPort,
            settings: primarySettings(settings, replication: replication),
            standbySettings: replication.map { _ in standbySettings(settings) }, file: file, docker: docker)
        let began = ContinuousClock.now
        let deadline = Deadline.after(timeout)
        // Registered before `up`, so that a SIGINT during start-up removes it too.
        pending.withLock { $0[project.name] = project }
        defer { _ = pending.withLock { $0.removeValue(forKey: project.name) } }
        do {
            let waitSeconds = max(Int(deadline.remaining.components.seconds), 5)
            do {
                try await run(project.upCommand(waitSeconds: waitSeconds))
            } catch {
                throw ComposeError.startFailed(project: project.name, reason: String(describing: error), logTail: await logTail(project))
            }
            var nodes = [try await node(project, name: "n1", service: ComposeProject.postgresService,
                                        sidecar: ComposeProject.sidecarService, withAddress: replication != nil)]
            if replication != nil {
                nodes.append(try await node(project, name: Replication.standbyNames(1)[0], service: ComposeProject.standbyService,
                                            sidecar: ComposeProject.standbySidecarService, withAddress: true))
            }
            var version = ""
            for node in nodes {
                let nodeVersion = try await waitUntilReady(node, project: project, deadline: deadline)
                if version.isEmpty { version = nodeVersion }
            }
            if let replication {
                try await replication.waitUntilStreaming(
                    primary: nodes[0].connectionOptions(applicationName: "indoubt-ready"), primaryName: nodes[0].name,
                    standbys: nodes.dropFirst().map(\.name), within: max(deadline.remaining, .seconds(5)),
                    logTail: { await logTail(project) })
            }
            let cluster = ComposeCluster(project: project, nodes: nodes, replication: replication,
                                         readyTime: began.duration(to: .now), serverVersion: version)
            live.withLock { $0[project.name] = cluster }
            let ports = nodes.map { "\($0.name) on 127.0.0.1:\($0.hostPort)" }.joined(separator: ", ")
            logger.info("compose project \(project.name): \(postgresImage), \(ports)\(replication.map { ", \($0)" } ?? ""), ready in \(cluster.readyTime)")
            return cluster
        } catch {
            await tearDown(project)
            throw error
        }
    }

    /// Projects whose `up` is under way (removed by ``shutdownAllNow()`` too).
    private static let pending = Mutex<[String: ComposeProject]>([:])

    /// `docker compose down --volumes`: removes the containers, the network and any volume.
    /// Idempotent.
    public func shutdown() async {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        await Self.tearDown(project)
        _ = Self.live.withLock { $0.removeValue(forKey: project.name) }
    }

    /// Removes every compose project of this process at once, synchronously (for a SIGINT
    /// handler, where there is no time to await).
    public static func shutdownAllNow() {
        let clusters = live.withLock { clusters in
            defer { clusters.removeAll() }
            return Array(clusters.values)
        }
        var projects = clusters.map(\.project)
        projects += pending.withLock { Array($0.values) }
        for cluster in clusters { cluster.isShutDown.withLock { $0 = true } }
        for project in projects { tearDownBlocking(project) }
    }

    /// The server's log, last lines.
    public func logTail() async -> String { await Self.logTail(project) }

    /// The server's whole log (`docker logs` of the PostgreSQL container), blocking: for a
    /// run folder, also from a SIGINT handler.
    public func serverLog() -> String { serverLog(of: node) }

    /// The whole log of `node`'s server, the same way.
    public func serverLog(of node: ComposeNode) -> String {
        let output = try? Command.runBlocking([project.docker, "logs", node.postgresContainer], check: false)
        return (output?.stdout ?? "") + (output?.stderr ?? "")
    }

    // MARK: Private

    private static func tearDown(_ project: ComposeProject) async {
        _ = try? await Blocking.run { tearDownBlocking(project) }
    }

    /// `down --volumes`; if Compose fails, removes the project's containers and network by
    /// label with plain docker.
    private static func tearDownBlocking(_ project: ComposeProject) {
        let down = project.downCommand
        if (try? Command.runBlocking(down.arguments, input: down.input)) == nil {
            ComposeReaper.remove(project: project.name, docker: project.docker)
        }
    }

    @discardableResult
    static func run(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await Command.run(invocation.arguments, input: invocation.input)
    }

    static func containerID(_ project: ComposeProject, _ service: String) async throws -> String {
        let output = try await run(project.containerIDCommand(service)).stdout
        guard let id = output.split(whereSeparator: \.isNewline).first.map(String.init), !id.isEmpty else {
            throw ComposeError.startFailed(project: project.name, reason: "no container for service \(service)", logTail: await logTail(project))
        }
        return id
    }

    static func logTail(_ project: ComposeProject) async -> String {
        let output = try? await run(project.logsCommand)
        return ((output?.stdout ?? "") + (output?.stderr ?? "")).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls with real connections through the port proxy until one succeeds; returns the
    /// server's version.
    private static func waitUntilReady(_ node: ComposeNode, project: ComposeProject, deadline: Deadline) async throws -> String {
        var lastError = "no attempt made"
        while !deadline.hasPassed {
            do {
                let attempt = Deadline.after(.seconds(2)).earliest(deadline)
                let connection = try await PostgresConnection.connect(
                    node.connectionOptions(applicationName: "indoubt-ready"), deadline: attempt)
                defer { connection.close() }
                let version = try await connection.query("SHOW server_version", deadline: attempt)
                return version.rows.first?.string(0) ?? "unknown"
            } catch {
                lastError = String(describing: error)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        throw ComposeError.notReady(project: project.name, reason: lastError, logTail: await logTail(project))
    }
}
