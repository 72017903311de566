/// How one write ended, as the client saw it.
public struct WriteCompletion: Sendable, Hashable {
    /// `.ok`, `.fail` or `.info`.
    public var type: HistoryOperation.Kind
    /// The error text, for `.fail` and `.info`; for `.ok`, a warning that came with the
    /// acknowledgement (the 25P01 of a re-sent COMMIT), if any.
    public var error: String?
    /// What the strategy needs to resolve the write later if it ends indeterminate (a
    /// transaction id, a gid, a ledger id, a request key); `nil` for strategies that
    /// resolve nothing. The experiment hands it back in ``IndeterminateWrite/token``.
    public var token: String?
    /// How many attempts the write took, for strategies that retry; `nil` for those that
    /// never do. Recorded as the completion's ``HistoryOperation/attempt``.
    public var attempts: Int?

    /// Creates a completion.
    public init(type: HistoryOperation.Kind, error: String? = nil, token: String? = nil, attempts: Int? = nil) {
        self.type = type
        self.error = error
        self.token = token
        self.attempts = attempts
    }

    /// Acknowledged.
    public static let ok = WriteCompletion(type: .ok)

    /// The completion for an error, classified by what the client had sent.
    public static func failure(_ error: any Error) -> WriteCompletion {
        guard let error = error as? PostgresError else {
            return WriteCompletion(type: .info, error: String(describing: error))
        }
        let outcome = OutcomeClassifier.classify(error)
        return WriteCompletion(type: outcome == .fail ? .fail : .info, error: error.description)
    }

    /// The completion for the last error of a write that was tried more than once: `.info`
    /// if this or any earlier attempt was indeterminate (an earlier COMMIT may have
    /// applied, whatever the last attempt says), else `.fail`.
    public static func failure(_ error: any Error, earlierIndeterminate: Bool, token: String?, attempts: Int) -> WriteCompletion {
        var completion = failure(error)
        if earlierIndeterminate, completion.type == .fail {
            completion.type = .info
            completion.error = "an earlier attempt was indeterminate; the last one: \(completion.error ?? "failed")"
        }
        completion.token = token
        completion.attempts = attempts
        return completion
    }

    /// This completion with `token`.
    public func with(token: String?) -> WriteCompletion {
        var copy = self
        copy.token = token
        return copy
    }

    /// This completion with `attempts`.
    public func with(attempts: Int) -> WriteCompletion {
        var copy = self
        copy.attempts = attempts
        return copy
    }
}

/// What a strategy gets for one write.
public struct WriteContext: Sendable {
    /// The element to add.
    public var element: Int
    /// The client's number.
    public var client: Int
    /// The client's session (its connection, reopened on demand).
    public var session: ClientSession
    /// When the (first attempt of the) write must have finished.
    public var deadline: Deadline
    /// How long one attempt may take (the run's `--timeout`).
    public var timeout: Duration
    /// When a retrying strategy must stop starting new attempts and report what it knows.
    public var retryDeadline: Deadline
    /// Call right before sending COMMIT (lets an aligned fault start in the commit window).
    public var beforeCommit: @Sendable () async -> Void

    /// Creates a context.
    public init(element: Int, client: Int, session: ClientSession, deadline: Deadline, timeout: Duration,
                retryDeadline: Deadline, beforeCommit: @escaping @Sendable () async -> Void) {
        self.element = element
        self.client = client
        self.session = session
        self.deadline = deadline
        self.timeout = timeout
        self.retryDeadline = retryDeadline
        self.beforeCommit = beforeCommit
    }

    /// The deadline of attempt `number` (from 1): the first attempt's is ``deadline``, each
    /// later one gets a fresh ``timeout``; none reaches past ``retryDeadline``.
    public func deadline(forAttempt number: Int) -> Deadline {
        number <= 1 ? deadline : Deadline.after(timeout).earliest(retryDeadline)
    }

    /// Whether a retrying strategy may start another attempt.
    public var mayRetry: Bool { !retryDeadline.hasPassed }

    /// A short pause between attempts, so that a fault that fails fast (a reset) does not
    /// turn retries into a busy loop.
    public func pauseBeforeRetry() async {
        try? await Task.sleep(for: min(.milliseconds(50), retryDeadline.remaining))
    }
}

/// A write whose outcome the client does not know (it completed `.info`), handed to the
/// strategy's ``CommitStrategy/resolve(_:admin:deadline:)`` after the heal and the fencing.
public struct IndeterminateWrite: Sendable, Hashable, Codable {
    /// The element.
    public var element: Int
    /// The client that wrote it.
    public var client: Int
    /// The strategy's token from ``WriteCompletion/token`` (a txid, a gid, a ledger id).
    public var token: String?

    /// Creates an indeterminate write.
    public init(element: Int, client: Int, token: String?) {
        self.element = element
        self.client = client
        self.token = token
    }
}

/// A strategy's verdict on one indeterminate write, and what it rests on.
public struct ResolutionVerdict: Sendable, Hashable {
    /// Committed, aborted or unknown.
    public var resolution: HistoryOperation.Resolution
    /// The evidence, for the history (e.g. `pg_xact_status 'committed'`).
    public var evidence: String

    /// Creates a verdict.
    public init(_ resolution: HistoryOperation.Resolution, evidence: String) {
        self.resolution = resolution
        self.evidence = evidence
    }

    /// The write's transaction committed.
    public static func committed(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.committed, evidence: evidence) }
    /// The write's transaction did not and will never commit.
    public static func aborted(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.aborted, evidence: evidence) }
    /// The strategy cannot tell.
    public static func unknown(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.unknown, evidence: evidence) }
}

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
    func prepare(_ admin: PostgresConnection, deadline: Deadline) async throws
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
    func resolve(_ writes: [IndeterminateWrite], admin: PostgresConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict]
    /// What the strategy finds of its own on the server after the final read that should
    /// not be there (two-phase commit: transactions prepared after its resolution, which an
    /// unfenced run can leave), one description each. Empty by default.
    func leftovers(admin: PostgresConnection, deadline: Deadline) async throws -> [String]
}

extension CommitStrategy {
    public var serverSettings: [String: String] { [:] }
    public func prepare(_ admin: PostgresConnection, deadline: Deadline) async throws {}
    /// Resolves nothing: every indeterminate write stays unresolved.
    public func resolve(_ writes: [IndeterminateWrite], admin: PostgresConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] { [:] }
    public func leftovers(admin: PostgresConnection, deadline: Deadline) async throws -> [String] { [] }
}
