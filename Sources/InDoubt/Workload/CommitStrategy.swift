/// How one write ended, as the client saw it.
public struct WriteCompletion: Sendable, Hashable {
    /// `.ok`, `.fail` or `.info`.
    public var type: HistoryOperation.Kind
    /// The error text, for `.fail` and `.info`.
    public var error: String?

    /// Acknowledged.
    public static let ok = WriteCompletion(type: .ok, error: nil)

    /// The completion for an error, classified by what the client had sent.
    public static func failure(_ error: any Error) -> WriteCompletion {
        guard let error = error as? PostgresError else {
            return WriteCompletion(type: .info, error: String(describing: error))
        }
        let outcome = OutcomeClassifier.classify(error)
        return WriteCompletion(type: outcome == .fail ? .fail : .info, error: error.description)
    }
}

/// What a strategy gets for one write.
public struct WriteContext: Sendable {
    /// The element to add.
    public var element: Int
    /// The client's session (its connection, reopened on demand).
    public var session: ClientSession
    /// When the write must have finished.
    public var deadline: Deadline
    /// Call right before sending COMMIT (lets an aligned fault start in the commit window).
    public var beforeCommit: @Sendable () async -> Void
}

/// A client's commit protocol plus how it resolves indeterminate outcomes after the
/// fault heals. `naive` is the article's client.
public protocol CommitStrategy: Sendable {
    /// The name used on the command line and in reports.
    var name: String { get }
    /// Server settings the strategy needs (two-phase commit needs prepared transactions).
    var serverSettings: [String: String] { get }
    /// Creates the tables the strategy needs besides `set_app`.
    func prepare(_ admin: PostgresConnection, deadline: Deadline) async throws
    /// Performs one write and reports how it ended.
    func write(_ context: WriteContext) async -> WriteCompletion
}

extension CommitStrategy {
    public var serverSettings: [String: String] { [:] }
    public func prepare(_ admin: PostgresConnection, deadline: Deadline) async throws {}
}

/// The article's client: `BEGIN; INSERT; COMMIT`, an error is reported as it is classified,
/// and nothing is resolved afterwards.
public struct NaiveStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "naive" }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        do {
            let connection = try await context.session.connection(deadline: context.deadline)
            _ = try await connection.query("BEGIN", deadline: context.deadline)
            _ = try await connection.query(
                "INSERT INTO set_app (element) VALUES ($1)", [String(context.element)], deadline: context.deadline)
            await context.beforeCommit()
            _ = try await connection.query("COMMIT", phase: .commit, deadline: context.deadline)
            return .ok
        } catch {
            context.session.reset()
            return .failure(error)
        }
    }
}
