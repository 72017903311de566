/// An error from the PostgreSQL client, with enough context to classify the outcome.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad cause.
    public enum Kind: String, Sendable, Hashable {
        /// Could not establish the connection.
        case connect
        /// The client-side deadline passed; the connection was abandoned.
        case timeout
        /// The connection broke (libpq's own error, no SQLSTATE).
        case connectionLost
        /// The server answered with an error (SQLSTATE present).
        case server
        /// The server answered `COMMIT` (or `PREPARE TRANSACTION`) with a `ROLLBACK` tag: the
        /// transaction had already failed (a statement error the client swallowed) and was
        /// rolled back, with no error at all. Definitely not applied.
        case rolledBack
        /// The server answered `COMMIT` (or `PREPARE TRANSACTION`, `COMMIT PREPARED`) with
        /// the expected tag, but warned that it stopped waiting for the synchronous standby
        /// ("canceling wait for synchronous replication"): the transaction committed on this
        /// node and may never have reached the standby, so a failover can take it back. Not
        /// an acknowledgement: its outcome is unknown.
        case notReplicated
        /// The connection was used after it had been abandoned or closed.
        case closed
        /// libpq refused the call (for example, out of memory).
        case client
    }

    /// The broad cause.
    public var kind: Kind
    /// The server's SQLSTATE, when the server sent one.
    public var sqlState: String?
    /// The server's severity, not localized (`ERROR`, `FATAL`, `PANIC`), when the server sent
    /// one. It matters after COMMIT: a rollback SQLSTATE at `ERROR` means the transaction
    /// was rolled back and the session lives on, while a `FATAL` or `PANIC` ends the session
    /// and may come after the commit record was written, whatever its SQLSTATE.
    public var severity: String?
    /// The message, from the server or libpq, trimmed.
    public var message: String
    /// What the client had sent when the error came.
    public var sent: SentPhase
    /// The statement being run, if any (for context in logs).
    public var statement: String?

    /// Creates an error.
    public init(
        kind: Kind, sqlState: String? = nil, severity: String? = nil, message: String, sent: SentPhase,
        statement: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.sent = sent
        self.statement = statement
    }

    public var description: String {
        var text = "\(kind.rawValue)"
        if let severity { text += " \(severity)" }
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message) (sent: \(sent.rawValue)"
        if let statement { text += ", statement: \(statement.prefix(60))" }
        return text + ")"
    }
}
