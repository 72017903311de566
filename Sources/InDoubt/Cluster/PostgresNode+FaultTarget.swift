extension PostgresNode: FaultTarget {
    public var targetName: String { name }
    public var serverPort: Int { port }
    public var serverInterface: String { interfaceName }

    @discardableResult
    public func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await Command.run(enterNamespace + invocation.arguments, input: invocation.input)
    }
}
