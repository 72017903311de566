/// Classifies how a write ended (Jepsen's ok, fail, info), erring toward unknown.
///
/// Before COMMIT (or the autocommit statement) was sent, every error is a failure: nothing
/// that could commit reached the server. After it was sent, a write is definitely failed
/// only when the server said so: a `ROLLBACK` tag in answer to COMMIT
/// (``PostgresError/Kind/rolledBack``), or an error at `ERROR` severity whose SQLSTATE is
/// known to roll the transaction back (``rollbackStates``, ``rollbackClasses``). Anything
/// else is indeterminate, the absence of information: libpq's own errors, a passed
/// deadline, a `FATAL` or `PANIC` (it ends the session and may come after the commit
/// record was written), 40003 statement_completion_unknown, any code not on the list, and a
/// success that says it did not wait for the synchronous standby
/// (``PostgresError/Kind/notReplicated``).
public enum OutcomeClassifier {
    /// The classification of an error.
    public enum Outcome: String, Sendable, Hashable {
        /// Definitely not applied.
        case fail
        /// Unknown: it may or may not have applied.
        case info
    }

    /// SQLSTATEs that, at `ERROR` severity on COMMIT, mean the transaction was rolled back:
    /// transaction_rollback, serialization_failure (SERIALIZABLE checks at COMMIT),
    /// transaction_integrity_constraint_violation, deadlock_detected, and
    /// in_failed_sql_transaction. Not 40003 statement_completion_unknown: it says the
    /// server does not know either.
    public static let rollbackStates: Set<String> = ["40000", "40001", "40002", "40P01", "25P02"]

    /// SQLSTATE classes that, at `ERROR` severity on COMMIT, mean the transaction was
    /// rolled back: 23, integrity constraint violation (deferred constraints are checked at
    /// COMMIT, and an autocommit write's violation ends its own transaction).
    public static let rollbackClasses: Set<String> = ["23"]

    /// Classifies the error that ended a write.
    public static func classify(_ error: PostgresError) -> Outcome {
        switch error.sent {
        case .nothing, .statement:
            return .fail
        case .commit:
            switch error.kind {
            case .rolledBack:
                return .fail
            case .server:
                return rollsBack(error) ? .fail : .info
            case .connect, .timeout, .connectionLost, .closed, .client, .notReplicated:
                return .info
            }
        }
    }

    /// Whether a server error says its transaction was rolled back: `ERROR` severity and a
    /// SQLSTATE on the lists.
    static func rollsBack(_ error: PostgresError) -> Bool {
        guard error.severity == "ERROR", let state = error.sqlState, state.count == 5 else { return false }
        return rollbackStates.contains(state) || rollbackClasses.contains(String(state.prefix(2)))
    }
}

extension OutcomeClassifier {
    /// Whether `error` leaves the write's outcome unknown (anything that is not a
    /// ``PostgresError`` is treated as unknown).
    public static func isIndeterminate(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return true }
        return classify(error) == .info
    }
}
