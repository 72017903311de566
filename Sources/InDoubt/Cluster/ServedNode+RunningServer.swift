extension ServedNode {
    /// The node as a run's server: nothing to stop (the faults a run applies are healed by
    /// the run, or by `indoubt heal` after a kill); its description goes in the run folder,
    /// for `indoubt resolve`.
    public var runningServer: RunningServer {
        RunningServer(
            target: self,
            description: "PostgreSQL \(postgresVersion) on \(address):\(port) (namespace \(namespace), kept by indoubt serve, pid \(ownerPID))",
            postgresVersion: postgresVersion, stop: {},
            copyLogs: { folder in try? write(to: RunFolder(folder).serverDescription) })
    }
}
