import Synchronization

/// The local ports of the workload clients' connections: an unfenced run waits until their
/// sockets hold no unacknowledged data before it reads the set.
///
/// The fence does not need the clients' backend pids: it finds their sessions by
/// `application_name` (``Experiment/sessionNames``) on the server it reads, so it works
/// whatever a driver reports, and a pid of another node (after a failover, or in another
/// container, where pids count from 1) can never be named.
public final class ClientPorts: Sendable {
    private let ports = Mutex<Set<Int>>([])

    /// Creates an empty set.
    public init() {}

    /// Remembers the local port of a connection (0: unknown, ignored).
    public func record(_ localPort: Int) {
        if localPort > 0 { _ = ports.withLock { $0.insert(localPort) } }
    }

    /// Every local port recorded.
    public var all: Set<Int> { ports.withLock { $0 } }
}
