import Foundation

/// `idempotent`: every write carries a request key (a UUID the client draws once per
/// write) under a unique constraint, inserted with `ON CONFLICT DO NOTHING`, and is retried
/// on a fresh connection until acknowledged or the retry deadline passes.
///
/// A retry of a write whose first COMMIT did apply inserts nothing, so every element ends
/// up in the table exactly once, and retries turn every indeterminate outcome into an
/// acknowledgement (claim 5). The key lives in a `request_key uuid UNIQUE` column added to
/// `set_app`, which the final read ignores. A write still indeterminate when the retry
/// deadline passes is resolved, after the fencing, by looking its key up.
public struct IdempotentRetryStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "idempotent" }

    public func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws {
        _ = try await admin.query("ALTER TABLE set_app ADD COLUMN request_key uuid UNIQUE", deadline: deadline)
    }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let key = UUID().uuidString.lowercased()
        let attempt = TransactionAttempt(
            sql: "INSERT INTO set_app (element, request_key) VALUES ($1, $2) ON CONFLICT (request_key) DO NOTHING",
            parameters: [String(context.element), key])
        var number = 1
        var indeterminate = false
        while true {
            do {
                _ = try await attempt.run(context, deadline: context.deadline(forAttempt: number))
                return WriteCompletion(type: .ok, token: key, attempts: number)
            } catch {
                indeterminate = indeterminate || OutcomeClassifier.isIndeterminate(error)
                guard context.mayRetry else {
                    return .failure(error, earlierIndeterminate: indeterminate, token: key, attempts: number)
                }
            }
            await context.pauseBeforeRetry()
            number += 1
        }
    }

    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        let keys = writes.compactMap { $0.token.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() }
        guard !keys.isEmpty else { return Self.verdicts(writes, present: []) }
        let rows = try await admin.query(
            "SELECT request_key::text FROM set_app WHERE request_key = ANY($1::uuid[])", [SQLText.array(keys)],
            deadline: deadline).rows
        return Self.verdicts(writes, present: Set(rows.compactMap { $0.string(0) }))
    }

    /// Verdicts from the request keys found in `set_app` (after the fencing).
    static func verdicts(_ writes: [IndeterminateWrite], present: Set<String>) -> [Int: ResolutionVerdict] {
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let key = write.token.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else {
                verdicts[write.element] = .unknown("no request key recorded")
                continue
            }
            verdicts[write.element] = present.contains(key)
                ? .committed("request key \(key) is in set_app")
                : .aborted("request key \(key) is not in set_app, and no session that could still commit it is left")
        }
        return verdicts
    }
}
