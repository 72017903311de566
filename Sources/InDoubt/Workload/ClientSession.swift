import Synchronization

/// One workload client's connection: opened on demand, replaced after it breaks, and its
/// local port remembered for the drain of an unfenced run.
public final class ClientSession: Sendable {
    /// The client's number.
    public let client: Int
    /// The options for the next connection: asked each time one is opened, so that after a
    /// failover a new connection reaches the new primary.
    private let options: @Sendable () -> ConnectionOptions
    private let ports: ClientPorts
    /// The client library its connections go through.
    public let driver: DatabaseDriver
    private let current = Mutex<(any DatabaseConnection)?>(nil)
    /// The executor the client's task prefers; its connections work on the same queue.
    let executor: SerialQueueExecutor?

    /// Awaited before each new connection: the nemesis holds it while the primary is down
    /// for a failover, as an application's pool waits for a primary, instead of the client
    /// burning its writes on refused connections in the fraction of a second before the promotion.
    private let beforeConnect: @Sendable () async -> Void

    init(client: Int, options: @escaping @Sendable () -> ConnectionOptions, ports: ClientPorts,
         executor: SerialQueueExecutor? = nil, driver: DatabaseDriver = .libpq,
         beforeConnect: @escaping @Sendable () async -> Void = {}) {
        self.client = client
        self.driver = driver
        self.options = options
        self.beforeConnect = beforeConnect
        self.ports = ports
        self.executor = executor
    }

    /// The `application_name` every connection of this session carries (unique to the
    /// client and to the experiment that runs it, so that a fence can find them by name).
    public var applicationName: String { options().applicationName }

    /// The open connection, or a new one (whose local port is recorded before use).
    /// Throws a ``PostgresError`` with `sent == .nothing` if it cannot connect by `deadline`.
    public func connection(deadline: Deadline) async throws -> any DatabaseConnection {
        if let open = current.withLock({ $0 }), open.isUsable { return open }
        await beforeConnect()
        let server = options()
        let connection = try await driver.connect(server, deadline: deadline, queue: executor?.queue)
        ports.record(connection.localPort)
        current.withLock { $0 = connection }
        return connection
    }

    /// Drops the current connection (after an error that leaves its state unknown).
    public func reset() {
        current.withLock { connection in
            connection?.close()
            connection = nil
        }
    }
}
