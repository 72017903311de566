import Synchronization

/// The server backend pids that workload clients have used: the sessions a resolver must
/// fence (terminate and wait for) before it trusts what the server says; and the local ports
/// of their connections, whose sockets an unfenced run waits to drain.
public final class BackendRegistry: Sendable {
    private let pids = Mutex<Set<Int32>>([])
    private let ports = Mutex<Set<Int>>([])

    /// Creates an empty registry.
    public init() {}

    /// Remembers a backend pid, and the local port of its connection (0: unknown).
    public func record(_ pid: Int32, localPort: Int = 0) {
        _ = pids.withLock { $0.insert(pid) }
        if localPort > 0 { _ = ports.withLock { $0.insert(localPort) } }
    }

    /// Every pid recorded.
    public var all: Set<Int32> { pids.withLock { $0 } }

    /// Every local port recorded.
    public var localPorts: Set<Int> { ports.withLock { $0 } }
}
