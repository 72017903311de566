import Foundation

/// A namespace node that another process keeps running (`indoubt serve`), described in a
/// JSON file, so that a run against it can be killed with `kill -9` while the server, and
/// the faults in its namespace, outlive it.
public struct ServedNode: ExperimentTarget, Sendable, Hashable, Codable {
    /// The server's address.
    public var address: String
    /// The server's port.
    public var port: Int
    /// The node's network namespace (faults go in there, through `nsenter --net`).
    public var namespace: String
    /// The node's interface inside its namespace (for tc).
    public var interface: String
    /// The server's version.
    public var postgresVersion: String
    /// The process that keeps the node running.
    public var ownerPID: Int32

    /// The description of `node`, served by this process.
    public init(node: PostgresNode) {
        address = node.address
        port = node.port
        namespace = node.namespace
        interface = node.interfaceName
        postgresVersion = node.installation.version
        ownerPID = getpid()
    }

    /// Reads a description written by ``write(to:)``; the error says what to do.
    public static func read(from url: URL) throws -> ServedNode {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ServedNodeError(description: "no server description at \(url.path): start one with `indoubt serve --describe \(url.path)`")
        }
        do {
            return try JSONDecoder().decode(ServedNode.self, from: data)
        } catch {
            throw ServedNodeError(description: "\(url.path) is not a server description written by `indoubt serve` (\(error))")
        }
    }

    /// Writes the description as JSON.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    public var targetName: String { namespace }
    public var serverPort: Int { port }
    public var serverInterface: String { interface }
    public var backendName: String { NamespaceBackend.name }

    public func connectionOptions(applicationName: String) -> ConnectionOptions {
        ConnectionOptions(host: address, port: port, applicationName: applicationName)
    }

    @discardableResult
    public func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await Command.run(PostgresNode.enterNamespace(namespace) + invocation.arguments, input: invocation.input)
    }

    /// Removes every fault rule and the slow link in the node's namespace: what a run that
    /// was killed left in force. The namespace is InDoubt's own, so its chains are flushed.
    public func healEverything() async throws {
        try await runInNetwork(Command.Invocation(["iptables", "-w", "-F", "INPUT"]))
        try await runInNetwork(Command.Invocation(["iptables", "-w", "-F", "OUTPUT"]))
        _ = try? await runInNetwork(Command.Invocation(["tc", "qdisc", "del", "dev", interface, "root"]))
    }
}

/// A server description that cannot be used.
public struct ServedNodeError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var description: String
}
