/// `retry`: on any error, run the same non-idempotent `BEGIN; INSERT; COMMIT` again on a
/// fresh connection, until it is acknowledged or the retry deadline passes.
///
/// This is the double charge: when the error came after COMMIT was sent, the first
/// transaction may have committed, and the retry inserts the element a second time. Under
/// `drop-replies` it always does (claim 4). Nothing is resolved afterwards.
public struct BlindRetryStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "retry" }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let attempt = TransactionAttempt(sql: "INSERT INTO set_app (element) VALUES ($1)", parameters: [String(context.element)])
        var number = 1
        var indeterminate = false
        while true {
            do {
                _ = try await attempt.run(context, deadline: context.deadline(forAttempt: number))
                return WriteCompletion.ok.with(attempts: number)
            } catch {
                indeterminate = indeterminate || OutcomeClassifier.isIndeterminate(error)
                guard context.mayRetry else {
                    return .failure(error, earlierIndeterminate: indeterminate, token: nil, attempts: number)
                }
            }
            await context.pauseBeforeRetry()
            number += 1
        }
    }
}
