/// One `BEGIN; statement; COMMIT` attempt on a client's session: the commit protocol that
/// every strategy but `2pc` shares. The fault gate (``WriteContext/beforeCommit``) is
/// passed right before COMMIT, so an aligned fault hits the commit window.
struct TransactionAttempt {
    /// The statement inside the transaction, with `$n` parameters.
    var sql: String
    /// Its parameters.
    var parameters: [String?]

    /// What the attempt got back.
    struct Replies {
        /// The statement's result (its rows, for `RETURNING`).
        var statement: QueryResult
        /// COMMIT's result.
        var commit: QueryResult
    }

    /// Runs the attempt by `deadline`. On an error the session is reset (the connection's
    /// state is unknown) and the error is rethrown for the caller to classify.
    func run(_ context: WriteContext, deadline: Deadline) async throws -> Replies {
        do {
            let connection = try await context.session.connection(deadline: deadline)
            _ = try await connection.query("BEGIN", deadline: deadline)
            let statement = try await connection.query(sql, parameters, deadline: deadline)
            await context.beforeCommit()
            let commit = try await connection.commit(deadline: deadline)
            return Replies(statement: statement, commit: commit)
        } catch {
            context.session.reset()
            throw error
        }
    }
}
