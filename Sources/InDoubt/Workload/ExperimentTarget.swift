/// A PostgreSQL server the experiment can write to and inject faults into.
public protocol ExperimentTarget: FaultTarget {
    /// Options for a client connection.
    func connectionOptions(applicationName: String) -> ConnectionOptions
    /// The backend's name for reports (`netns`, `compose`).
    var backendName: String { get }
    /// The sockets of this process's namespace whose unacknowledged data could still reach
    /// the server from the clients whose connections had `clientPorts` as local ports: an
    /// unfenced run waits until none is left before its final read, so that a late COMMIT
    /// has landed (or died) by then. (Sockets of earlier runs to the same address do not
    /// count: they may retransmit for minutes.)
    func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket]
}

extension ExperimentTarget {
    /// The clients' sockets to the address and port they connect to: right for a target
    /// the clients reach directly (no proxy in between).
    public func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        let options = connectionOptions(applicationName: "")
        return table.pendingSends(toPort: options.port, address: options.host, fromLocalPorts: clientPorts)
    }
}
