import Foundation

/// `ledger`: the client draws its own transaction id (a UUID), writes it to its local
/// intent log and flushes it **before** the transaction begins, and inserts it into the
/// `indoubt_ledger` table **inside the same transaction** as the element (one statement,
/// no extra round trip).
///
/// After the heal and the fencing, an indeterminate write committed exactly when its id is
/// in the ledger: nothing can commit it any more. A client restarted with nothing but its
/// intent log finds the same writes in doubt (``inDoubtWrites()``) and resolves them the
/// same way. Claim 6: 0 unresolved, 0 misresolved, resolutions equal to the table.
public struct LedgerStrategy: CommitStrategy {
    /// The client's intent log.
    public let intentLog: IntentLog

    /// A strategy whose intent log is at `intentLog` (in the run's output folder, for
    /// `indoubt run`). The file is emptied when a run starts (``prepare(_:deadline:)``),
    /// never by this initialiser: a restarted client reads it as it is.
    public init(intentLog: URL) {
        self.intentLog = IntentLog(url: intentLog)
    }


    public var name: String { "ledger" }

    public func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws {
        _ = try await admin.query(
            "DROP TABLE IF EXISTS indoubt_ledger; CREATE TABLE indoubt_ledger (txn_id uuid PRIMARY KEY, element int NOT NULL)",
            deadline: deadline)
        try intentLog.reset()
    }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let txn = UUID().uuidString.lowercased()
        let intent = IntentRecord(
            kind: .intent, txn: txn, element: context.element, client: context.client,
            session: context.session.applicationName)
        do {
            try await intentLog.appendIntent(intent)
        } catch {
            // Nothing was sent: without a durable intent the write must not begin.
            return WriteCompletion(type: .fail, error: "no durable intent, nothing sent: \(error)", token: txn)
        }
        let attempt = TransactionAttempt(
            sql: "WITH ledger AS (INSERT INTO indoubt_ledger (txn_id, element) VALUES ($1::uuid, $2::int)) "
                + "INSERT INTO set_app (element) VALUES ($2::int)",
            parameters: [txn, String(context.element)])
        var completion: WriteCompletion
        do {
            _ = try await attempt.run(context, deadline: context.deadline)
            completion = WriteCompletion.ok.with(token: txn)
        } catch {
            completion = WriteCompletion.failure(error).with(token: txn)
        }
        var outcome = intent
        outcome.kind = .outcome
        outcome.outcome = completion.type
        try? intentLog.appendOutcome(outcome)
        return completion
    }

    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        let ids = writes.compactMap { $0.token.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() }
        var present: Set<String> = []
        if !ids.isEmpty {
            let rows = try await admin.query(
                "SELECT txn_id::text FROM indoubt_ledger WHERE txn_id = ANY($1::uuid[])", [SQLText.array(ids)],
                deadline: deadline).rows
            present = Set(rows.compactMap { $0.string(0) })
        }
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let id = write.token.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else {
                verdicts[write.element] = .unknown("no ledger id recorded")
                continue
            }
            verdicts[write.element] = present.contains(id)
                ? .committed("ledger id \(id) is in indoubt_ledger")
                : .aborted("ledger id \(id) is not in indoubt_ledger, and no session that could still commit it is left")
        }
        return verdicts
    }

    /// The writes a client restarted from its intent log alone must resolve: intents
    /// without an outcome, or whose outcome was `info`. Resolve them with
    /// ``resolve(_:admin:deadline:)`` only after fencing the sessions they ran on.
    public func inDoubtWrites() throws -> [IndeterminateWrite] {
        IntentLog.inDoubt(try IntentLog.read(intentLog.url))
    }

    /// The sessions (`application_name`s) the in-doubt writes ran on, from the intent log
    /// alone: what a restarted client fences before ``resolve(_:admin:deadline:)``.
    public func inDoubtSessions() throws -> Set<String> {
        let records = try IntentLog.read(intentLog.url)
        let inDoubt = Set(IntentLog.inDoubt(records).compactMap(\.token))
        return Set(records.filter { $0.kind == .intent && inDoubt.contains($0.txn) }.compactMap(\.session))
    }
}
