import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL server in its own network namespace.
///
/// The server runs as the `postgres` user inside namespace ``namespace``, listens on
/// ``address``:``port``, and is reached from the root namespace over a veth on the
/// cluster's bridge. Faults are applied with iptables and tc inside the namespace
/// (`exec(_:)`), never in the root namespace.
public final class PostgresNode: Sendable {
    /// How to stop a server.
    public enum StopMode: String, Sendable, CaseIterable {
        /// SIGINT: roll back open transactions, then shut down cleanly.
        case fast
        /// SIGQUIT: stop at once, recover on the next start.
        case immediate
        /// SIGKILL of the postmaster.
        case kill
    }

    /// `n1`, `n2`, ...
    public let name: String
    /// 0-based position in the cluster.
    public let index: Int
    /// The network namespace.
    public let namespace: String
    /// The node's address, reachable from the root namespace.
    public let address: String
    /// The server's port.
    public let port: Int
    /// The node's interface inside its namespace.
    public let interfaceName: String
    /// The installation it runs.
    public let installation: PostgresInstallation
    /// The node's folder (data, socket, log).
    public let folder: URL
    /// Server settings passed as `-c name=value` at every start.
    public let settings: [String: String]

    private let process = Mutex<Process?>(nil)
    /// Set by ``fence()``: the node never starts again.
    let isFencedState = Mutex(false)

    /// The data folder.
    public var dataDirectory: URL { folder.appendingPathComponent("data") }
    /// The Unix socket folder (inside the node folder, not in `/var/run`).
    public var socketDirectory: URL { folder.appendingPathComponent("socket") }
    /// The server log.
    public var logFile: URL { folder.appendingPathComponent("server.log") }

    /// Settings every node gets: fast and quiet, but with real commits. Keepalives and
    /// `tcp_user_timeout` stay PostgreSQL's defaults, as on an application's server: short
    /// ones would kill an orphaned session within seconds and close the window in which a
    /// late COMMIT can land.
    public static let defaultSettings: [String: String] = [
        "fsync": "off",
        "full_page_writes": "off",
        "synchronous_commit": "on",
        "shared_buffers": "32MB",
        "max_connections": "200",
        "log_min_messages": "warning",
        "log_line_prefix": "%m [%p] ",
    ]

    init(name: String, index: Int, namespace: String, address: String, port: Int, interfaceName: String,
         installation: PostgresInstallation, folder: URL, settings: [String: String]) {
        self.name = name
        self.interfaceName = interfaceName
        self.index = index
        self.namespace = namespace
        self.address = address
        self.port = port
        self.installation = installation
        self.folder = folder
        self.settings = Self.defaultSettings.merging(settings) { $1 }
    }

    /// The prefix that runs a command inside the node's network namespace: `nsenter --net`,
    /// which (unlike `ip netns exec`) creates no mount namespace, so a long-lived server
    /// never pins copies of other clusters' overlay mounts.
    public var enterNamespace: [String] { Self.enterNamespace(namespace) }

    /// The same prefix for a namespace by name (a node another process keeps).
    public static func enterNamespace(_ namespace: String) -> [String] {
        ["nsenter", "--net=/run/netns/\(namespace)", "--"]
    }

    /// Options for a client in the root namespace.
    public func connectionOptions(applicationName: String = "indoubt") -> ConnectionOptions {
        ConnectionOptions(host: address, port: port, applicationName: applicationName)
    }

    /// The postmaster's pid, while it runs.
    public var serverPID: Int32? {
        process.withLock { $0.flatMap { $0.isRunning ? $0.processIdentifier : nil } }
    }

    /// The command line that starts the server.
    public var serverCommand: [String] {
        var arguments = ["-D", dataDirectory.path,
                         "-c", "listen_addresses=\(address)", "-c", "port=\(port)",
                         "-c", "unix_socket_directories=\(socketDirectory.path)"]
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            arguments += ["-c", "\(key)=\(value)"]
        }
        return enterNamespace + PostgresUser.command(installation.commandLine(installation.postgres, arguments))
    }

    /// Lays out the data folder from `template` (first start only): an overlayfs view of
    /// it where the kernel has overlayfs, else a copy.
    func prepare(from template: URL) async throws {
        let manager = FileManager.default
        try manager.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        if Overlay.isAvailable {
            let layer = folder.appendingPathComponent("layer")
            try manager.createDirectory(at: layer, withIntermediateDirectories: true)
            try Overlay.mountMemoryLayer(at: layer)
            let upper = layer.appendingPathComponent("upper")
            let work = layer.appendingPathComponent("work")
            for directory in [upper, work, dataDirectory] {
                try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            try PostgresUser.own([folder, socketDirectory, layer, upper, work, dataDirectory])
            try Overlay.mount(lower: template, upper: upper, work: work, at: dataDirectory)
        } else {
            try await Command.run(["cp", "-a", template.path, dataDirectory.path])
            try await Command.run(["chown", "-R", "postgres:", folder.path])
            try await Command.run(["chmod", "700", dataDirectory.path])
        }
    }

    /// Starts the server and waits until a real connection succeeds.
    /// - Returns: how long it took from launch to the first successful connection.
    @discardableResult
    public func start(readyWithin timeout: Duration = .seconds(20)) async throws -> Duration {
        let began = ContinuousClock.now
        guard !isFenced else { throw ClusterError.fenced(node: name) }
        guard serverPID == nil else { return .zero }
        let command = serverCommand
        guard let executable = Command.find(command[0]) else { throw ClusterError.missingTool(command[0], package: "util-linux") }
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let server = Process()
        server.executableURL = executable
        server.arguments = Array(command.dropFirst())
        server.standardInput = FileHandle.nullDevice
        server.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        // The server lives for the whole run: whatever it inherits stays open that long
        // (Command.launch says why it must inherit nothing but its log).
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        server.standardOutput = log
        server.standardError = log
        try Command.launch(server)
        try? log.close()
        process.withLock { $0 = server }
        try await waitUntilReady(within: timeout)
        return began.duration(to: .now)
    }

    /// Polls with real connections until one succeeds, the server dies, or `timeout` passes.
    private func waitUntilReady(within timeout: Duration) async throws {
        let deadline = Deadline.after(timeout)
        var lastError = "no attempt made"
        while !deadline.hasPassed {
            guard serverPID != nil else {
                throw ClusterError.serverNotReady(node: name, reason: "the server exited during start-up", logTail: logTail())
            }
            do {
                let connection = try await PostgresConnection.connect(
                    connectionOptions(applicationName: "indoubt-ready"), deadline: .after(.milliseconds(500)).earliest(deadline))
                _ = try await connection.query("SELECT 1", deadline: .after(.seconds(2)).earliest(deadline))
                connection.close()
                return
            } catch {
                lastError = String(describing: error)
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        throw ClusterError.serverNotReady(node: name, reason: "no connection within \(timeout): \(lastError)", logTail: logTail())
    }

    /// Stops the server and waits until it has exited.
    public func stop(_ mode: StopMode = .fast, within timeout: Duration = .seconds(10)) async {
        guard let pid = serverPID else { return }
        let signal: Int32 = switch mode {
        case .fast: SIGINT
        case .immediate: SIGQUIT
        case .kill: SIGKILL
        }
        // A paused node's backends must run to exit, not only its postmaster.
        _ = try? await pause(false)
        Glibc.kill(pid, signal)
        let deadline = Deadline.after(timeout)
        while serverPID != nil && !deadline.hasPassed {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if serverPID != nil {
            Glibc.kill(pid, SIGKILL)
            while serverPID != nil { try? await Task.sleep(for: .milliseconds(5)) }
        }
        if mode == .kill {
            // Backends notice the postmaster's death on their own; wait until they have
            // gone so that a restart finds the data folder free.
            await waitForNamespaceEmpty(within: .seconds(10))
        }
    }

    /// Restarts the server.
    @discardableResult
    public func restart(_ mode: StopMode = .fast) async throws -> Duration {
        await stop(mode)
        return try await start()
    }

    /// Pauses (SIGSTOP) or resumes (SIGCONT) every process of the node: the postmaster and
    /// all its children (every process in the node's namespace is one of them).
    /// Pausing repeats until a listing finds no process it has not stopped yet, so that a
    /// child the postmaster forked while the first listing ran is stopped too, and returns
    /// once every one of them is stopped (or gone).
    /// - Returns: the pids it stopped (pausing) or signalled (resuming), in order.
    @discardableResult
    public func pause(_ paused: Bool) async throws -> [Int32] {
        var signalled: Set<Int32> = []
        for _ in 0..<5 {
            let fresh = Set(try await processes()).subtracting(signalled)
            if fresh.isEmpty { break }
            for pid in fresh { Glibc.kill(pid, paused ? SIGSTOP : SIGCONT) }
            signalled.formUnion(fresh)
        }
        if paused {
            // In force only once each process has taken its SIGSTOP, which it does when it next
            // runs. A backend that was already exiting ignores it and is gone by the heal: the
            // pids returned are those that stopped.
            let deadline = Deadline.after(.seconds(2))
            while !signalled.allSatisfy(ServerProcess.isStoppedOrGone) && !deadline.hasPassed {
                try? await Task.sleep(for: .milliseconds(2))
            }
            return signalled.filter { ServerProcess.state(of: $0) == "T" }.sorted()
        }
        return signalled.sorted()
    }

    /// Every process in the node's namespace: the postmaster and its children. (It reads
    /// all of `/proc`: off the cooperative threads, which a run's clients and reader need.)
    public func processes() async throws -> [Int32] {
        let namespace = self.namespace
        return try await Blocking.run { try NamespaceFiles.pids(in: namespace) }
    }

    /// Runs `arguments` inside the node's network namespace (for iptables and tc).
    @discardableResult
    public func exec(_ arguments: [String], check: Bool = true) async throws -> Command.Output {
        try await Command.run(enterNamespace + arguments, check: check)
    }

    /// The last lines of the server log.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private func waitForNamespaceEmpty(within timeout: Duration) async {
        let deadline = Deadline.after(timeout)
        while !deadline.hasPassed {
            if (try? await processes())?.isEmpty ?? true { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
