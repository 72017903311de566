/// `txid`: the client records the server's transaction id inside the transaction
/// (`INSERT … RETURNING pg_current_xact_id()`, `txid_current()` before PostgreSQL 13: no
/// extra round trip), with the timeline of the server that assigned it, and, after the heal
/// and the fencing, asks the server what became of it with `pg_xact_status`
/// (`txid_status` before 13).
///
/// 'committed' → committed; 'aborted' → aborted; 'in progress' → unknown (after the
/// fencing no client session is left, so it means a prepared transaction or something
/// outside the run); NULL (the status was truncated away, or no such transaction) →
/// unknown. Claim 7: 0 unresolved, 0 misresolved.
///
/// Across a failover (claim R4) an id means nothing on the promoted standby: a server on
/// another timeline than the one that assigned the id, or for which the id is in the
/// future, answers unknown (``verdict(for:answer:serverTimeline:)``), never another
/// transaction's status.
public struct TransactionStatusStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "txid" }

    /// The SQL functions for a server version (`PostgresConnection.serverVersionNumber`).
    public struct Functions: Sendable, Hashable {
        /// An expression giving the current transaction's id as text.
        public var current: String
        /// A function taking an id (as text) and giving its status.
        public var status: String
        /// The cast the status function's argument needs.
        public var idType: String
        /// An expression giving the server's next transaction id (the first not yet
        /// assigned), of type ``idType``: an id at or past it is in the future there.
        public var next: String

        /// The functions for `serverVersion` (e.g. 150018): `pg_current_xact_id`/`pg_xact_status`
        /// from 13 on, `txid_current`/`txid_status` before.
        public static func forServer(_ serverVersion: Int) -> Functions {
            serverVersion >= 130000
                ? Functions(current: "pg_current_xact_id()::text", status: "pg_xact_status", idType: "xid8",
                            next: "pg_snapshot_xmax(pg_current_snapshot())")
                : Functions(current: "txid_current()::text", status: "txid_status", idType: "bigint",
                            next: "txid_snapshot_xmax(txid_current_snapshot())")
        }
    }

    /// The verdict for a status string from `pg_xact_status` (`nil` for SQL NULL).
    public static func verdict(forStatus status: String?, transaction: String) -> ResolutionVerdict {
        switch status {
        case "committed": return .committed("transaction \(transaction) is 'committed'")
        case "aborted": return .aborted("transaction \(transaction) is 'aborted'")
        case "in progress": return .unknown("transaction \(transaction) is still 'in progress' after the fencing")
        case nil: return .unknown("the status of transaction \(transaction) is NULL (truncated away, or never assigned)")
        case let other?: return .unknown("transaction \(transaction) has an unexpected status '\(other)'")
        }
    }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        var token: Token?
        do {
            let connection = try await context.session.connection(deadline: context.deadline)
            let functions = Functions.forServer(connection.serverVersionNumber)
            _ = try await connection.query("BEGIN", deadline: context.deadline)
            let inserted = try await connection.query(
                "INSERT INTO set_app (element) VALUES ($1) RETURNING \(functions.current), \(WALFileName.currentSQL)",
                [String(context.element)], deadline: context.deadline)
            token = Token(transaction: inserted.rows.first?.string(0), walFile: inserted.rows.first?.string(1))
            await context.beforeCommit()
            _ = try await connection.commit(deadline: context.deadline)
            return WriteCompletion.ok.with(token: token?.description)
        } catch {
            context.session.reset()
            return WriteCompletion.failure(error).with(token: token?.description)
        }
    }

    /// Asks the server for its timeline and, for every recorded id, whether it is in the
    /// future there and else its status, in one query each; then the verdicts of
    /// ``verdict(for:answer:serverTimeline:)``. An id in the future is not passed to the
    /// status function (which would raise an error and fail every other id's lookup).
    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        let tokens = writes.compactMap { $0.token.flatMap(Token.init) }
        var answers: [UInt64: StatusAnswer] = [:]
        var serverTimeline: UInt32 = 0
        if !tokens.isEmpty {
            let walFile = try await admin.query("SELECT \(WALFileName.currentSQL)", deadline: deadline).rows.first?.string(0)
            guard let name = walFile.flatMap(WALFileName.init) else {
                throw PostgresError(kind: .client, message: "the resolving server's WAL file name '\(walFile ?? "NULL")' names no timeline",
                                    sent: .statement)
            }
            serverTimeline = name.timeline
            let functions = Functions.forServer(admin.serverVersionNumber)
            let ids = Set(tokens.map(\.transaction)).sorted().map(String.init)
            let rows = try await admin.query(
                "SELECT t.id, n.next::text, CASE WHEN t.id::\(functions.idType) < n.next THEN \(functions.status)(t.id::\(functions.idType)) END "
                    + "FROM unnest($1::text[]) AS t(id), (SELECT \(functions.next) AS next) AS n",
                [SQLText.array(ids)], deadline: deadline).rows
            for row in rows {
                guard let id = row.string(0).flatMap({ UInt64($0) }), let next = row.string(1).flatMap({ UInt64($0) }) else { continue }
                answers[id] = id >= next ? .inTheFuture(next: next) : .status(row.string(2))
            }
        }
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let token = write.token.flatMap(Token.init), let answer = answers[token.transaction] else {
                verdicts[write.element] = .unknown("no transaction id and timeline recorded (token \(write.token ?? "none"))")
                continue
            }
            verdicts[write.element] = Self.verdict(for: token, answer: answer, serverTimeline: serverTimeline)
        }
        return verdicts
    }
}
