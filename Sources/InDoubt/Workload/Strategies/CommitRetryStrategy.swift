/// `retry-commit`: when the reply to COMMIT is lost, send COMMIT again on a new connection
/// and trust its answer. **This strategy is wrong on purpose**; the suite exposes it.
///
/// A new connection has no transaction: PostgreSQL answers the re-sent COMMIT with
/// WARNING 25P01 "there is no transaction in progress" and then a normal `COMMIT` tag,
/// which says nothing about the first transaction. When that one never committed, the
/// client reports an acknowledged write that is not in the table: the checker counts it as
/// lost. (A real Swift PostgreSQL driver shipped this bug.) The warning is kept as the
/// completion's ``WriteCompletion/error`` so the history shows what the client ignored.
///
/// Errors before COMMIT was sent, and server errors that roll back, are reported as the
/// naive client does; nothing is resolved afterwards.
public struct CommitRetryStrategy: CommitStrategy {
    /// Creates the strategy.
    public init() {}

    public var name: String { "retry-commit" }

    /// The note a trusted re-sent COMMIT leaves on its `.ok` completion.
    public static let trustedWarningNote = "acknowledged by a COMMIT re-sent on a new connection"

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let attempt = TransactionAttempt(sql: "INSERT INTO set_app (element) VALUES ($1)", parameters: [String(context.element)])
        var lastError: any Error
        do {
            _ = try await attempt.run(context, deadline: context.deadline)
            return WriteCompletion.ok.with(attempts: 1)
        } catch {
            guard OutcomeClassifier.isIndeterminate(error) else { return WriteCompletion.failure(error).with(attempts: 1) }
            lastError = error
        }
        // The COMMIT's reply was lost: send COMMIT again, on a new connection.
        var number = 1
        while context.mayRetry {
            await context.pauseBeforeRetry()
            number += 1
            let deadline = context.deadline(forAttempt: number)
            do {
                let connection = try await context.session.connection(deadline: deadline)
                let reply = try await connection.commit(deadline: deadline)
                let warnings = reply.notices.map { "\($0.severity) \($0.sqlState): \($0.message)" }
                let note = warnings.isEmpty ? nil : "\(Self.trustedWarningNote) (\(reply.commandTag ?? "no tag")): \(warnings.joined(separator: "; "))"
                return WriteCompletion(type: .ok, warning: note, attempts: number)
            } catch {
                context.session.reset()
                lastError = error
            }
        }
        return .failure(lastError, earlierIndeterminate: true, token: nil, attempts: number)
    }
}
