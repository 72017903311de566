import Foundation
import InDoubt

/// The checkout of the story in "Jepsen: Postgres": a customer clicks "Submit", the page
/// times out, and they submit again. Each write is one order (its element) and the payment
/// that charges it, in one transaction; the shop retries a checkout whose answer was lost.
///
/// - `keyed: true` (the fix): the browser's form carries a checkout key, drawn once per
///   order. The order row holds it under a unique constraint, the INSERT does nothing when
///   it is there already, and the payment is charged only when the order was inserted. A
///   retry of a checkout that did commit charges nothing; a checkout still in doubt when
///   the shop gives up is resolved, after the fence, by its key.
/// - `keyed: false` (the story): the same retry without a key places the order, and charges
///   it, once more.
public struct CheckoutStrategy: CommitStrategy {
    /// Whether each checkout carries its key.
    public var keyed: Bool

    /// Creates the strategy.
    public init(keyed: Bool) { self.keyed = keyed }

    public var name: String { keyed ? "checkout-keyed" : "checkout-resubmit" }

    /// The orders are `set_app`'s rows (the checker's set); the payments a table of their own.
    public func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws {
        _ = try await admin.query("""
            ALTER TABLE set_app ADD COLUMN checkout_key uuid UNIQUE;
            CREATE TABLE payments (id serial PRIMARY KEY, order_element int NOT NULL, checkout_key uuid, amount_cents int NOT NULL)
            """, deadline: deadline)
    }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let key = UUID().uuidString.lowercased()
        var attempt = 1
        var inDoubt = false
        while true {
            do {
                try await checkout(context, key: key, deadline: context.deadline(forAttempt: attempt))
                return WriteCompletion(type: .ok, token: key, attempts: attempt)
            } catch {
                context.session.reset()
                inDoubt = inDoubt || OutcomeClassifier.isIndeterminate(error)
                // The customer submits again while the shop's retry budget lasts.
                guard context.mayRetry else {
                    return .failure(error, earlierIndeterminate: inDoubt, token: key, attempts: attempt)
                }
            }
            await context.pauseBeforeRetry()
            attempt += 1
        }
    }

    /// One submission: the order and, if it is new, its payment, then COMMIT.
    private func checkout(_ context: WriteContext, key: String, deadline: Deadline) async throws {
        let connection = try await context.session.connection(deadline: deadline)
        let order = String(context.element)
        _ = try await connection.query("BEGIN", deadline: deadline)
        if keyed {
            let placed = try await connection.query(
                "INSERT INTO set_app (element, checkout_key) VALUES ($1, $2) ON CONFLICT (checkout_key) DO NOTHING RETURNING id",
                [order, key], deadline: deadline)
            if !placed.rows.isEmpty {
                _ = try await connection.query(
                    "INSERT INTO payments (order_element, checkout_key, amount_cents) VALUES ($1, $2, 4999)", [order, key], deadline: deadline)
            }
        } else {
            _ = try await connection.query("INSERT INTO set_app (element) VALUES ($1)", [order], deadline: deadline)
            _ = try await connection.query("INSERT INTO payments (order_element, amount_cents) VALUES ($1, 4999)", [order], deadline: deadline)
        }
        await context.beforeCommit()
        _ = try await connection.commit(deadline: deadline)
    }

    /// A checkout still in doubt: committed if its key is in `set_app` (after the fence, so
    /// no COMMIT can still land). Without a key there is nothing to look for.
    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        guard keyed else { return [:] }
        // The keys are UUIDs the strategy drew: safe inside an array literal.
        let keys = "{" + writes.compactMap(\.token).joined(separator: ",") + "}"
        let rows = try await admin.query(
            "SELECT checkout_key::text FROM set_app WHERE checkout_key = ANY($1::uuid[])", [keys], deadline: deadline).rows
        let placed = Set(rows.compactMap { $0.string(0) })
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let key = write.token else { continue }
            verdicts[write.element] = placed.contains(key)
                ? .committed("checkout \(key) is in set_app")
                : .aborted("checkout \(key) is not in set_app, and its sessions are fenced")
        }
        return verdicts
    }
}
