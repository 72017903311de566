/// Classifies how a write ended, as DESIGN.md defines it.
///
/// A write is definitely failed only when the COMMIT (or the autocommit statement) never
/// reached the server, or the server answered it with an error that rolls the transaction
/// back. Anything else after COMMIT was sent is indeterminate: the absence of information.
public enum OutcomeClassifier {
    /// The classification of an error.
    public enum Outcome: String, Sendable, Hashable {
        /// Definitely not applied.
        case fail
        /// Unknown: it may or may not have applied.
        case info
    }

    /// SQLSTATE classes whose errors on COMMIT do not tell whether it committed:
    /// connection exception, operator intervention (e.g. terminated backend), system
    /// error, internal error.
    static let indeterminateClasses: Set<String> = ["08", "57", "58", "XX"]

    /// Classifies the error that ended a write.
    public static func classify(_ error: PostgresError) -> Outcome {
        switch error.sent {
        case .nothing, .statement:
            return .fail
        case .commit:
            guard error.kind == .server, let state = error.sqlState, state.count == 5 else {
                return .info
            }
            return indeterminateClasses.contains(String(state.prefix(2))) ? .info : .fail
        }
    }
}
