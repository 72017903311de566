/// What the workload, the strategies and the fence need of a connection to PostgreSQL,
/// whichever driver opened it (issue 15): the harness's libpq client
/// (``PostgresConnection``) or an adapter of an application's driver.
///
/// A conformer enforces every call's ``Deadline`` itself, whether or not its driver has
/// a deadline of its own: past it, the call throws ``PostgresError`` of kind `timeout`
/// and the connection is given up. Every error it throws is a ``PostgresError`` whose
/// ``PostgresError/sent`` says what had been sent when it came, because that, not the
/// error code, decides whether a write's outcome is known.
public protocol DatabaseConnection: AnyObject, Sendable {
    /// Options the connection was opened with.
    var options: ConnectionOptions { get }
    /// `pg_backend_pid()` of the server process serving this connection (for fencing).
    var backendPID: Int32 { get }
    /// The server's version number (`server_version_num`, e.g. 150018).
    var serverVersionNumber: Int { get }
    /// The local TCP port of the connection's socket, 0 when unknown.
    var localPort: Int { get }
    /// Whether the connection can still be used (not given up after an error or a deadline,
    /// not closed).
    var isUsable: Bool { get }

    /// Runs `sql` and waits for its results until `deadline`.
    ///
    /// - Parameters:
    ///   - sql: The statement text; parameters are `$1`, `$2`, ... in text format.
    ///   - parameters: Parameter values, `nil` for NULL.
    ///   - phase: `.commit` for `COMMIT`, `COMMIT PREPARED` or an autocommit write, so that
    ///     an error after it was sent is reported as such.
    ///   - deadline: When to give up and abandon the connection.
    func query(_ sql: String, _ parameters: [String?], phase: SentPhase, deadline: Deadline) async throws -> QueryResult

    /// Closes the connection. Safe to call more than once.
    func close()
}

extension DatabaseConnection {
    /// Runs a statement without parameters (``query(_:_:phase:deadline:)``).
    public func query(_ sql: String, phase: SentPhase = .statement, deadline: Deadline) async throws -> QueryResult {
        try await query(sql, [], phase: phase, deadline: deadline)
    }

    /// Runs a statement with parameters, phase `.statement` (``query(_:_:phase:deadline:)``).
    public func query(_ sql: String, _ parameters: [String?], deadline: Deadline) async throws -> QueryResult {
        try await query(sql, parameters, phase: .statement, deadline: deadline)
    }
}
