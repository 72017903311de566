#if PostgresNIO
// docs/drivers.md shows this file's code from `import Logging` on, word for word
// (SafeCommitExampleTests checks it, and runs it under the faults it is written for).
import Logging
import PostgresNIO

/// How an application on postgres-nio commits a write safely: what `withTransaction` does
/// not do (postgres-nio 1.33.2, claims D1 and D3).
///
/// - It reads COMMIT's tag: a transaction whose statement error was swallowed is answered
///   `ROLLBACK`, and that is not a commit.
/// - It gives COMMIT a deadline, and closes the connection when it passes: postgres-nio has
///   none, and a lost acknowledgement would hold the call.
/// - An error once COMMIT was sent is neither success nor failure: it throws
///   ``OutcomeUnknown`` with the write's request id, and ``committed(requestID:table:fencing:on:logger:)``
///   answers it, after the old session is gone.
enum SafeCommit {
    /// What the server said to COMMIT.
    enum Outcome: Equatable, Sendable {
        case committed
        case rolledBack
    }

    /// COMMIT was sent and no answer came: the write may or may not have committed.
    struct OutcomeUnknown: Error {
        var requestID: String
        var reason: String
    }

    /// Runs `body` in a transaction and commits it within `commitTimeout`.
    static func commit(
        on connection: PostgresConnection, requestID: String, commitTimeout: Duration, logger: Logger,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws -> Outcome {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        do {
            let tag = try await withDeadline(commitTimeout, closing: connection) {
                try await connection.query("COMMIT", logger: logger).get().metadata.command
            }
            return tag == "COMMIT" ? .committed : .rolledBack
        } catch {
            throw OutcomeUnknown(requestID: requestID, reason: String(reflecting: error))
        }
    }

    /// Whether the write with `requestID` (a column of `table`, written in the same
    /// transaction) committed. First it ends every session named `fencing` (the
    /// `application_name` of the connection that lost the answer) and waits until none is
    /// left, so that a COMMIT the network still holds cannot land after the answer.
    static func committed(
        requestID: String, table: String, fencing applicationName: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let fence: PostgresQuery = """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = \(applicationName) AND pid <> pg_backend_pid()
            """
        while try await count(fence, on: connection, logger: logger) > 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await count(
            "SELECT count(*) FROM \(unescaped: table) WHERE request_id = \(requestID)", on: connection, logger: logger) > 0
    }

    private static func count(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var total = 0
        for try await value in try await connection.query(query, logger: logger).decode(Int.self) { total = value }
        return total
    }

    /// Runs `body`; if `timeout` passes first, closes `connection` (which ends the call in
    /// flight) and throws.
    private static func withDeadline<T: Sendable>(
        _ timeout: Duration, closing connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()
            if let first, let value = first {
                group.cancelAll()
                return value
            }
            try? await connection.close()
            group.cancelAll()
            throw DeadlinePassed(timeout: timeout)
        }
    }

    /// The deadline of ``withDeadline(_:closing:_:)`` passed.
    struct DeadlinePassed: Error {
        var timeout: Duration
    }
}
#endif
