/// The article's client: `BEGIN; INSERT; COMMIT`, an error is reported as it is classified,
/// and nothing is resolved afterwards (every indeterminate write stays unresolved).
public struct NaiveStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "naive" }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        do {
            let connection = try await context.session.connection(deadline: context.deadline)
            _ = try await connection.query("BEGIN", deadline: context.deadline)
            // The element is an `Int`, so inlining it is safe, and the simple query protocol
            // sends the same single message per statement that pgbench (the baseline) sends.
            _ = try await connection.query(
                "INSERT INTO set_app (element) VALUES (\(context.element))", deadline: context.deadline)
            await context.beforeCommit()
            return .acknowledged(by: try await connection.commit(deadline: context.deadline))
        } catch {
            context.session.reset()
            return .failure(error)
        }
    }
}
