/// A PostgreSQL server the experiment can write to and inject faults into.
public protocol ExperimentTarget: FaultTarget {
    /// Options for a client connection.
    func connectionOptions(applicationName: String) -> ConnectionOptions
    /// The backend's name for reports (`netns`, `compose`).
    var backendName: String { get }
}

extension PostgresNode: ExperimentTarget {
    public var backendName: String { "netns" }
}
