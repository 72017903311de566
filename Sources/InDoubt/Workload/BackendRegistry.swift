import Synchronization

/// The server backend pids that workload clients have used: the sessions a resolver must
/// fence (terminate and wait for) before it trusts what the server says; and the local ports
/// of their connections, whose sockets an unfenced run waits to drain.
///
/// Each pid is kept with the server it belongs to (`host:port`): a pid names a process on
/// one node only. After a failover the fence terminates the new primary's sessions, and a
/// pid recorded on the fenced old primary means nothing there; on compose, where every
/// container counts pids from 1, it may well be the new primary's checkpointer, which
/// `pg_terminate_backend` refuses, and the fence would wait for it forever.
public final class BackendRegistry: Sendable {
    private let pids = Mutex<[String: Set<Int32>]>([:])
    private let ports = Mutex<Set<Int>>([])

    /// Creates an empty registry.
    public init() {}

    /// The key of the server that `options` reach: `host:port`.
    public static func server(_ options: ConnectionOptions) -> String { "\(options.host):\(options.port)" }

    /// Remembers a backend pid on `server` (``server(_:)``; empty: unknown), and the local
    /// port of its connection (0: unknown).
    public func record(_ pid: Int32, localPort: Int = 0, server: String = "") {
        _ = pids.withLock { $0[server, default: []].insert(pid) }
        if localPort > 0 { _ = ports.withLock { $0.insert(localPort) } }
    }

    /// Every pid recorded, on any server.
    public var all: Set<Int32> { pids.withLock { $0.values.reduce(into: []) { $0.formUnion($1) } } }

    /// The pids recorded on `server`, and those recorded without one.
    public func pids(on server: String) -> Set<Int32> {
        pids.withLock { ($0[server] ?? []).union($0[""] ?? []) }
    }

    /// Every local port recorded.
    public var localPorts: Set<Int> { ports.withLock { $0 } }
}
