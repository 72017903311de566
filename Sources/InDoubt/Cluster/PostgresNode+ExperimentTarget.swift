extension PostgresNode: ExperimentTarget {
    public var backendName: String { "netns" }

    public func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        table.pendingSends(toPort: port, address: address, fromLocalPorts: clientPorts)
    }
}
