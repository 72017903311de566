/// How one write ended, as the client saw it.
public struct WriteCompletion: Sendable, Hashable {
    /// `.ok`, `.fail` or `.info`.
    public var type: HistoryOperation.Kind
    /// The error text, for `.fail` and `.info`.
    public var error: String?
    /// For `.ok`: a warning that came with the acknowledgement (the 25P01 of a re-sent
    /// COMMIT), if any.
    public var warning: String?
    /// What the strategy needs to resolve the write later if it ends indeterminate (a
    /// transaction id, a gid, a ledger id, a request key); `nil` for strategies that
    /// resolve nothing. The experiment hands it back in ``IndeterminateWrite/token``.
    public var token: String?
    /// How many attempts the write took, for strategies that retry; `nil` for those that
    /// never do. Recorded as the completion's ``HistoryOperation/attempt``.
    public var attempts: Int?

    /// Creates a completion.
    public init(
        type: HistoryOperation.Kind, error: String? = nil, warning: String? = nil, token: String? = nil,
        attempts: Int? = nil
    ) {
        self.type = type
        self.error = error
        self.warning = warning
        self.token = token
        self.attempts = attempts
    }

    /// Acknowledged.
    public static let ok = WriteCompletion(type: .ok)

    /// Acknowledged by `commit`, COMMIT's reply, with the first warning that came with it (a
    /// client that trusts the tag alone keeps the "committed locally only" warning this way).
    public static func acknowledged(by commit: QueryResult) -> WriteCompletion {
        let warning = commit.notices.first { $0.severity == "WARNING" }
        return WriteCompletion(type: .ok, warning: warning.map { "\($0.sqlState): \($0.message)" })
    }

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
