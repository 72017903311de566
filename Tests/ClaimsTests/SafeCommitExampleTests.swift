#if PostgresNIO
import Foundation
import InDoubt
import InDoubtTesting
import PostgresNIO
import Synchronization
import Testing
import XCTest

/// The safe-commit example (SafeCommitExample.swift, shown in docs/drivers.md), run as an
/// application would run it, under the faults it is written for. Each reads the outcome
/// back from the table over libpq.
enum SafeCommitExampleClaims {
    static let commitTimeout: Duration = .milliseconds(500)

    static func createOrders(_ claim: ClaimContext) async throws {
        _ = try await claim.query("DROP TABLE IF EXISTS orders; CREATE TABLE orders (id int, request_id text UNIQUE)")
    }

    static func ordersInTable(_ claim: ClaimContext) async throws -> [Int] {
        try await claim.query("SELECT id FROM orders ORDER BY id").map { try $0.int(0) }
    }

    /// Where `withTransaction` reports success (PostgresNIOFindings), the example reports
    /// what the server did: `.rolledBack`. A plain write commits.
    static let swallowedErrorIsARollback = Claim(
        "Safe commit on postgres-nio: a transaction whose statement error was swallowed comes back rolledBack, a plain one committed"
    ) { claim in
        try await createOrders(claim)
        let (connection, logger) = try await PostgresNIOFindings.connect(claim, applicationName: "checkout-1")
        var swallowed = false
        let failed = try await SafeCommit.commit(on: connection, requestID: "r1", commitTimeout: commitTimeout, logger: logger) { db in
            try await db.query("INSERT INTO orders VALUES (1, \("r1"))", logger: logger)
            do { try await db.query("SELECT 1/0", logger: logger) } catch { swallowed = true }
        }
        let plain = try await SafeCommit.commit(on: connection, requestID: "r2", commitTimeout: commitTimeout, logger: logger) { db in
            try await db.query("INSERT INTO orders VALUES (2, \("r2"))", logger: logger)
        }
        try await connection.close()
        claim.expect(swallowed, "the statement error did not happen")
        claim.expectEqual(failed, .rolledBack)
        claim.expectEqual(plain, .committed)
        claim.expectEqual(try await ordersInTable(claim), [2], "the orders in the table")
    }

    /// Order `id` (request id `r<id>`) through ``SafeCommit/commit(on:requestID:commitTimeout:logger:_:)``
    /// on a connection named `application`, with `fault` applied at the end of the
    /// transaction's work, just before COMMIT. Returns the error, how long COMMIT took, when
    /// it was sent, and the fault, which is left in force (the connection is closed by then).
    static func orderIntoFault(
        _ id: Int, _ fault: Fault.Kind, application: String, _ claim: ClaimContext
    ) async throws -> (unknown: SafeCommit.OutcomeUnknown, took: Duration, sent: Stamp, fault: InDoubt.Fault) {
        try await createOrders(claim)
        let (connection, logger) = try await PostgresNIOFindings.connect(claim, applicationName: application)
        let applied = claim.server.fault(fault)
        let sent = Stamp()
        let unknown = try await claim.requireError(SafeCommit.OutcomeUnknown.self) {
            _ = try await SafeCommit.commit(on: connection, requestID: "r\(id)", commitTimeout: commitTimeout, logger: logger) { db in
                try await db.query("INSERT INTO orders VALUES (\(id), \("r\(id)"))", logger: logger)
                try await claim.server.apply(applied)
                sent.set()
            }
        }
        let took = sent.elapsed
        claim.expectEqual(unknown.requestID, "r\(id)")
        claim.expect(took <= commitTimeout + DriverClaims.deadlineSlack, "COMMIT took \(took), deadline \(commitTimeout)")
        claim.expect(connection.isClosed, "the deadline did not close the connection")
        return (unknown, took, sent, applied)
    }

    /// ``SafeCommit/committed(requestID:table:fencing:on:logger:)`` for order `id`, on a new connection.
    static func resolve(_ id: Int, fencing application: String, _ claim: ClaimContext) async throws -> Bool {
        let (resolver, logger) = try await PostgresNIOFindings.connect(claim, applicationName: "checkout-resolver")
        let committed = try await SafeCommit.committed(requestID: "r\(id)", table: "orders", fencing: application, on: resolver, logger: logger)
        try await resolver.close()
        return committed
    }

    /// A lost COMMIT acknowledgement (drop-commit-ack, from the end of the transaction's
    /// work): the call ends within its deadline with ``SafeCommit/OutcomeUnknown``, and the
    /// request id says it committed, as the table does.
    static let lostAcknowledgementIsResolvedByRequestID = Claim(
        "Safe commit on postgres-nio: a lost COMMIT acknowledgement ends in time as outcome unknown, and the request id finds the committed order"
    ) { claim in
        let order = try await orderIntoFault(3, .dropCommitAck, application: "checkout-2", claim)
        try await claim.server.heal(order.fault)
        let committed = try await resolve(3, fencing: "checkout-2", claim)
        print("safe commit, drop-commit-ack: outcome unknown \(order.took) after COMMIT (\(order.unknown.reason)); committed: \(committed)")
        claim.expect(committed, "the request id was not found")
        claim.expectEqual(try await ordersInTable(claim), [3], "the orders in the table")
    }

    /// A partition from the end of the transaction's work, 3.5 s: outcome unknown in time,
    /// and the answer holds. The COMMIT that the client's kernel still retransmits (about
    /// 6.7 s after it was sent, seen here) finds its session fenced, so the order stays out of the
    /// table that said "not committed"; without the fence it would commit late.
    static let partitionVerdictHolds = Claim(
        "Safe commit on postgres-nio: under a partition the order is not committed, and the table still says so 8 s after COMMIT"
    ) { claim in
        let order = try await orderIntoFault(4, .partition, application: "checkout-3", claim)
        try await Task.sleep(for: .milliseconds(3500) - order.sent.elapsed)
        try await claim.server.heal(order.fault)
        // The situation: the session that sent COMMIT is still there, its transaction open.
        let open = try await claim.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'checkout-3' AND state = 'idle in transaction'")
        claim.expectEqual(try open.first?.int(0), 1, "the session that sent COMMIT was gone before the fence")
        let committed = try await resolve(4, fencing: "checkout-3", claim)
        try await Task.sleep(for: .seconds(8) - order.sent.elapsed)
        print("safe commit, partition: outcome unknown \(order.took) after COMMIT (\(order.unknown.reason)); committed: \(committed)")
        claim.expect(!committed, "a COMMIT sent into the partition was found before the fence")
        claim.expectEqual(try await ordersInTable(claim), [], "the orders in the table 8 s after COMMIT")
    }

    /// When COMMIT went out (set from the transaction's body), and the time since.
    final class Stamp: Sendable {
        private let at = Mutex<ContinuousClock.Instant?>(nil)
        func set() { at.withLock { $0 = .now } }
        var elapsed: Duration { at.withLock { $0 }.map { $0.duration(to: .now) } ?? .zero }
    }
}

@Suite("Safe commit on postgres-nio (docs/drivers.md)")
struct SafeCommitExampleTests {
    @Test("Safe commit on postgres-nio: a transaction whose statement error was swallowed comes back rolledBack, a plain one committed")
    func swallowedErrorIsARollback() async throws { try await SafeCommitExampleClaims.swallowedErrorIsARollback.verify() }

    @Test("Safe commit on postgres-nio: a lost COMMIT acknowledgement ends in time as outcome unknown, and the request id finds the committed order")
    func lostAcknowledgement() async throws { try await SafeCommitExampleClaims.lostAcknowledgementIsResolvedByRequestID.verify() }

    @Test("Safe commit on postgres-nio: under a partition the order is not committed, and the table still says so 8 s after COMMIT")
    func partition() async throws { try await SafeCommitExampleClaims.partitionVerdictHolds.verify() }

    @Test("The safe-commit example in docs/drivers.md is SafeCommitExample.swift's code, word for word")
    func exampleIsInTheDocs() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let docs = try String(contentsOf: here.appendingPathComponent("../../docs/drivers.md").standardized, encoding: .utf8)
        let source = try String(contentsOf: here.appendingPathComponent("SafeCommitExample.swift"), encoding: .utf8)
        let start = try #require(source.range(of: "import Logging\n"))
        let end = try #require(source.range(of: "#endif", options: .backwards))
        #expect(docs.contains(source[start.lowerBound..<end.lowerBound]))
    }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class SafeCommitExampleXCTests: XCTestCase {
    static let claims = ClaimGroup(of: SafeCommitExampleXCTests.self, [
        "testSwallowedErrorIsARollback": SafeCommitExampleClaims.swallowedErrorIsARollback,
        "testLostAcknowledgement": SafeCommitExampleClaims.lostAcknowledgementIsResolvedByRequestID,
        "testPartition": SafeCommitExampleClaims.partitionVerdictHolds,
    ], plan: { XCTestClaimPlan.plan })

    func testSwallowedErrorIsARollback() async throws { try await Self.claims.verify() }
    func testLostAcknowledgement() async throws { try await Self.claims.verify() }
    func testPartition() async throws { try await Self.claims.verify() }
}
#endif
