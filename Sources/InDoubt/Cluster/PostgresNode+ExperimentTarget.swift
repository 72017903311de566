extension PostgresNode: ExperimentTarget {
    public var backendName: String { NamespaceBackend.name }
}
