/// A PostgreSQL server the experiment can write to and inject faults into.
public protocol ExperimentTarget: FaultTarget {
    /// Options for a client connection.
    func connectionOptions(applicationName: String) -> ConnectionOptions
    /// The backend's name for reports (`netns`, `compose`).
    var backendName: String { get }
    /// The sockets of this process's namespace whose unacknowledged data could still reach
    /// the server: an unfenced run waits until none is left before its final read, so that
    /// a late COMMIT has landed (or died) by then.
    func pendingSends(in table: SocketTable) -> [SocketTable.Socket]
}

extension PostgresNode: ExperimentTarget {
    public var backendName: String { "netns" }

    public func pendingSends(in table: SocketTable) -> [SocketTable.Socket] {
        table.pendingSends(toPort: port, address: address)
    }
}
