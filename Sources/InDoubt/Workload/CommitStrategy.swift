/// A client's commit protocol plus how it resolves indeterminate outcomes after the
/// fault heals. `naive` is the article's client.
///
/// The experiment calls ``prepare(_:deadline:)`` once, ``write(_:)`` for every element,
/// and, after the faults are healed and every backend the clients used has been
/// terminated and is gone (the fencing), ``resolve(_:admin:deadline:)`` once with every
/// write that completed `.info`, before the final read.
public protocol CommitStrategy: Sendable {
    /// The name used on the command line and in reports.
    var name: String { get }
    /// Server settings the strategy needs (two-phase commit needs prepared transactions).
    var serverSettings: [String: String] { get }
    /// Creates the tables the strategy needs besides `set_app` (which exists, empty).
    func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws
    /// Performs one write and reports how it ended.
    func write(_ context: WriteContext) async -> WriteCompletion
    /// Decides the fate of indeterminate writes. Runs after the heal and the fencing, so
    /// no COMMIT of a client can land any more: what the server says now is final.
    ///
    /// Return a verdict for every write the strategy can say anything about (`.unknown`
    /// when it cannot tell); the experiment records one `.resolve` history operation per
    /// verdict. A write without a verdict stays unresolved and gets no operation. It may
    /// also change the server (finish prepared transactions) before the final read.
    ///
    /// - Returns: verdicts by element.
    func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict]
    /// What the strategy finds of its own on the server after the final read that should
    /// not be there (two-phase commit: transactions prepared after its resolution, which an
    /// unfenced run can leave), one description each. Empty by default.
    func leftovers(admin: any DatabaseConnection, deadline: Deadline) async throws -> [String]
}

extension CommitStrategy {
    public var serverSettings: [String: String] { [:] }
    public func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws {}
    /// Resolves nothing: every indeterminate write stays unresolved.
    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] { [:] }
    public func leftovers(admin: any DatabaseConnection, deadline: Deadline) async throws -> [String] { [] }
}
