extension PostgresNode: ExperimentTarget {
    public var backendName: String { "netns" }
}
