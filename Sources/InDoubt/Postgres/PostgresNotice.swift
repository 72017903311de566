/// A notice or warning the server sent while a call ran (for example WARNING 25P01
/// "there is no transaction in progress" on a re-sent COMMIT).
public struct PostgresNotice: Sendable, Hashable {
    /// Severity, such as `WARNING` or `NOTICE`.
    public var severity: String
    /// SQLSTATE.
    public var sqlState: String
    /// The message.
    public var message: String

    /// Creates a notice.
    public init(severity: String, sqlState: String, message: String) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
    }
}
