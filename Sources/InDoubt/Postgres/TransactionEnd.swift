/// The statements that end a transaction, and the one place that reads their command tag.
///
/// PostgreSQL answers `COMMIT` of a transaction that had failed (a statement error the
/// client caught and ignored) with the tag `ROLLBACK`, and no error at all; `PREPARE
/// TRANSACTION` of such a transaction answers `ROLLBACK` too. A client that looks only for
/// errors reports the write acknowledged although nothing was applied (pgjdbc #1697 and
/// rust-postgres #1334 shipped that bug). Every strategy ends its transactions here, so
/// that no write is acknowledged without its tag being read.
extension DatabaseConnection {
    /// Sends `COMMIT` (phase `.commit`: once sent, it may apply) and returns its result.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/rolledBack`` when the server
    ///   answers `ROLLBACK`, of kind `client` when it answers another unexpected tag
    ///   (see ``TransactionEnd/verify(_:expectedTag:statement:trustingWarnings:)``), or whatever
    ///   ``query(_:_:phase:deadline:)`` throws.
    public func commit(deadline: Deadline) async throws -> QueryResult {
        try await end("COMMIT", expectedTag: "COMMIT", deadline: deadline)
    }

    /// Sends `PREPARE TRANSACTION 'gid'` (phase `.commit`: a prepared transaction outlives
    /// the session and may yet commit) and returns its result.
    ///
    /// - Throws: As ``commit(deadline:)``; the tag expected is `PREPARE TRANSACTION`.
    public func prepareTransaction(_ gid: String, deadline: Deadline) async throws -> QueryResult {
        try await end("PREPARE TRANSACTION \(SQLText.literal(gid))", expectedTag: "PREPARE TRANSACTION", deadline: deadline)
    }

    /// Sends `COMMIT PREPARED 'gid'` (phase `.commit`) and returns its result.
    ///
    /// - Throws: As ``commit(deadline:)``; the tag expected is `COMMIT PREPARED`.
    public func commitPrepared(_ gid: String, deadline: Deadline) async throws -> QueryResult {
        try await end("COMMIT PREPARED \(SQLText.literal(gid))", expectedTag: "COMMIT PREPARED", deadline: deadline)
    }

    private func end(_ sql: String, expectedTag: String, deadline: Deadline) async throws -> QueryResult {
        // The tag comes with the reply: reading it costs no extra round trip.
        let result = try await query(sql, phase: .commit, deadline: deadline)
        try TransactionEnd.verify(result, expectedTag: expectedTag, statement: sql, trustingWarnings: options.trustsCommitWarnings)
        return result
    }
}

/// Reads the command tag of a statement that ends a transaction, and the warnings that
/// came with it.
public enum TransactionEnd {
    /// The tag PostgreSQL sends instead of the expected one when the transaction had failed.
    public static let rollbackTag = "ROLLBACK"

    /// The beginnings of the warnings with which PostgreSQL stops waiting for a synchronous
    /// standby and reports success all the same: the wait cancelled (SQLSTATE 01000, the
    /// generic warning, by `pg_cancel_backend` or the client's cancel request) and, for a
    /// backend being terminated (57P01), "canceling the wait … and terminating connection".
    public static let replicationWaitCancelled = [
        "canceling wait for synchronous replication",
        "canceling the wait for synchronous replication",
    ]

    /// Whether `notice` says the server stopped waiting for the synchronous standby.
    public static func isReplicationWaitCancelled(_ notice: PostgresNotice) -> Bool {
        notice.severity == "WARNING" && replicationWaitCancelled.contains { notice.message.hasPrefix($0) }
    }

    /// Checks that `result`, the reply to `statement`, carries `expectedTag`.
    ///
    /// - Parameter result: The reply.
    /// - Parameter expectedTag: The command tag that means success (`COMMIT`).
    /// - Parameter statement: What was sent, for the error's message.
    /// - Throws: ``PostgresError`` (sent `.commit`, the tag in its message): of kind
    ///   ``PostgresError/Kind/notReplicated`` for the expected tag with a warning that the
    ///   wait for the synchronous standby was cancelled, which classifies as `info`; of kind
    ///   ``PostgresError/Kind/rolledBack`` for a `ROLLBACK` tag, which classifies as `fail`;
    ///   of kind `client` for any other tag, or none, which classifies as `info`: a reply
    ///   the client does not understand says nothing certain about the outcome.
    /// - Parameter trustingWarnings: Take the expected tag as an acknowledgement whatever
    ///   warning came with it, as an application that never reads notices does
    ///   (``ConnectionOptions/trustsCommitWarnings``).
    public static func verify(_ result: QueryResult, expectedTag: String, statement: String, trustingWarnings: Bool = false) throws {
        let tag = result.commandTag
        if tag == expectedTag {
            if !trustingWarnings, let warning = result.notices.first(where: isReplicationWaitCancelled) {
                throw PostgresError(
                    kind: .notReplicated, sqlState: warning.sqlState, severity: warning.severity,
                    message: "the server answered \(statement.prefix(40)) with the tag \(tag ?? ""), and with WARNING "
                        + "\(warning.sqlState): \(warning.message): committed on this node, perhaps not on the "
                        + "synchronous standby, so a failover may take it back",
                    sent: .commit, statement: statement)
            }
            return
        }
        if tag == rollbackTag {
            throw PostgresError(
                kind: .rolledBack,
                message: "the server answered \(statement.prefix(40)) with the tag \(rollbackTag): "
                    + "the transaction had failed and was rolled back",
                sent: .commit, statement: statement)
        }
        throw PostgresError(
            kind: .client,
            message: "the server answered \(statement.prefix(40)) with \(tag.map { "the tag \($0)" } ?? "no tag"), "
                + "not \(expectedTag)",
            sent: .commit, statement: statement)
    }
}
