/// `txid`: the client records the server's transaction id inside the transaction
/// (`INSERT … RETURNING pg_current_xact_id()`, `txid_current()` before PostgreSQL 13: no
/// extra round trip) and, after the heal and the fencing, asks the server what became of
/// it with `pg_xact_status` (`txid_status` before 13).
///
/// 'committed' → committed; 'aborted' → aborted; 'in progress' → unknown (after the
/// fencing no client session is left, so it means a prepared transaction or something
/// outside the run); NULL (the status was truncated away, or no such transaction) →
/// unknown. Claim 7: 0 unresolved, 0 misresolved.
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

        /// The functions for `serverVersion` (e.g. 150018): `pg_current_xact_id`/`pg_xact_status`
        /// from 13 on, `txid_current`/`txid_status` before.
        public static func forServer(_ serverVersion: Int) -> Functions {
            serverVersion >= 130000
                ? Functions(current: "pg_current_xact_id()::text", status: "pg_xact_status", idType: "xid8")
                : Functions(current: "txid_current()::text", status: "txid_status", idType: "bigint")
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
        var transaction: String?
        do {
            let connection = try await context.session.connection(deadline: context.deadline)
            let functions = Functions.forServer(connection.serverVersionNumber)
            _ = try await connection.query("BEGIN", deadline: context.deadline)
            let inserted = try await connection.query(
                "INSERT INTO set_app (element) VALUES ($1) RETURNING \(functions.current)", [String(context.element)],
                deadline: context.deadline)
            transaction = inserted.rows.first?.string(0)
            await context.beforeCommit()
            _ = try await connection.commit(deadline: context.deadline)
            return WriteCompletion.ok.with(token: transaction)
        } catch {
            context.session.reset()
            return WriteCompletion.failure(error).with(token: transaction)
        }
    }

    public func resolve(_ writes: [IndeterminateWrite], admin: PostgresConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        let ids = Set(writes.compactMap { $0.token.flatMap(UInt64.init).map(String.init) })
        var statuses: [String: String?] = [:]
        if !ids.isEmpty {
            let functions = Functions.forServer(admin.serverVersionNumber)
            let rows = try await admin.query(
                "SELECT t.id, \(functions.status)(t.id::\(functions.idType)) FROM unnest($1::text[]) AS t(id)",
                [SQLText.array(ids.sorted())], deadline: deadline).rows
            for row in rows {
                if let id = row.string(0) { statuses[id] = row.string(1) }
            }
        }
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let id = write.token.flatMap(UInt64.init).map(String.init), let status = statuses[id] else {
                verdicts[write.element] = .unknown("no transaction id recorded")
                continue
            }
            verdicts[write.element] = Self.verdict(forStatus: status, transaction: id)
        }
        return verdicts
    }
}
