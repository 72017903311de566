/// Where faults are applied: the network context of one PostgreSQL server (a node's
/// namespace, or a container's sidecar), never the root namespace.
public protocol FaultTarget: Sendable {
    /// A name for logs (`n1`, a container name).
    var targetName: String { get }
    /// The server's port, as seen inside the target.
    var serverPort: Int { get }
    /// The server-side network interface, for tc.
    var serverInterface: String { get }
    /// Runs a command inside the target's network context.
    @discardableResult
    func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output
}

extension FaultTarget {
    /// A fault of `kind` fitted to this target's port and interface.
    public func fault(_ kind: Fault.Kind, rate: String = "64kbit") -> Fault {
        Fault(kind, port: serverPort, interface: serverInterface, rate: rate)
    }

    /// Applies `fault`; returns when its rules are in force.
    public func apply(_ fault: Fault) async throws {
        try await run(fault.applyCommands)
    }

    /// Removes exactly what ``apply(_:)`` added.
    public func heal(_ fault: Fault) async throws {
        try await run(fault.healCommands)
    }

    /// Runs `invocations` in order inside the target, in one process when there are
    /// several (a shell script), so that they take effect within a few milliseconds of
    /// each other.
    public func run(_ invocations: [Command.Invocation]) async throws {
        switch invocations.count {
        case 0: return
        case 1: try await runInNetwork(invocations[0])
        default: try await runInNetwork(Command.Invocation(["sh", "-e", "-s"], input: Command.Invocation.script(invocations)))
        }
    }
}
