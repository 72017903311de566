#if PostgresNIO
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Issue 15's driver claims through postgres-nio (``DatabaseDriver/postgresNIO``): only in a
/// build with the trait `PostgresNIO`.
@Suite("Drivers on trial: postgres-nio")
struct PostgresNIODriverClaims {
    static let d1 = DriverClaims.lostAcknowledgementEndsInTime(.postgresNIO)
    static let d2 = DriverClaims.neverSentOrUnknown(.postgresNIO)
    static let d3 = DriverClaims.commitAnsweredRollback(.postgresNIO)
    static let d4 = DriverClaims.noSilentRetry(.postgresNIO)
    static func d5(_ fault: Fault.Kind, _ mitigation: DriverClaims.Mitigation) -> Claim {
        DriverClaims.mitigationsResolveEverything(.postgresNIO, under: fault, with: mitigation)
    }
    static let d3WithTransaction = PostgresNIOFindings.withTransactionReportsSuccess
    static let d1WithoutWrapper = PostgresNIOFindings.noDeadlineOfItsOwn

    @Test("D1 (postgres-nio): a lost COMMIT acknowledgement ends the application's call with an error within its deadline")
    func d1() async throws { try await Self.d1.verify() }

    @Test("D1 (postgres-nio 1.33.2): without a wrapper, a call whose COMMIT acknowledgement is lost waits out the fault")
    func d1WithoutWrapper() async throws { try await Self.d1WithoutWrapper.verify() }

    @Test("D2 (postgres-nio): an error after COMMIT was sent is info, and the table says why it must be")
    func d2() async throws { try await Self.d2.verify() }

    @Test("D3 (postgres-nio): a COMMIT answered ROLLBACK after a swallowed error comes back as a ROLLBACK tag, no error, and is recorded fail")
    func d3() async throws { try await Self.d3.verify() }

    @Test("D3 (postgres-nio 1.33.2): withTransaction returns success for a transaction whose COMMIT the server answered ROLLBACK")
    func d3WithTransaction() async throws { try await Self.d3WithTransaction.verify() }

    @Test("D4 (postgres-nio): the driver does not replay a write on its own: 0 duplicates with the naive client under drop-replies")
    func d4() async throws { try await Self.d4.verify() }

    @Test("D5 (postgres-nio): idempotent, ledger and txid through the driver leave 0 unresolved, 0 misresolved, 0 duplicates",
          arguments: DriverClaims.mitigationFaults, DriverClaims.Mitigation.allCases)
    func d5(fault: Fault.Kind, mitigation: DriverClaims.Mitigation) async throws { try await Self.d5(fault, mitigation).verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class PostgresNIODriverClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: PostgresNIODriverClaimsXCTests.self, [
        "testLostAcknowledgementEndsInTime": PostgresNIODriverClaims.d1,
        "testNoDeadlineOfItsOwn": PostgresNIODriverClaims.d1WithoutWrapper,
        "testNeverSentOrUnknown": PostgresNIODriverClaims.d2,
        "testCommitAnsweredRollback": PostgresNIODriverClaims.d3,
        "testWithTransactionReportsSuccess": PostgresNIODriverClaims.d3WithTransaction,
        "testNoSilentRetry": PostgresNIODriverClaims.d4,
        "testMitigationsResolveEverythingUnderDropRepliesIdempotent": PostgresNIODriverClaims.d5(.dropReplies, .idempotent),
        "testMitigationsResolveEverythingUnderDropRepliesLedger": PostgresNIODriverClaims.d5(.dropReplies, .ledger),
        "testMitigationsResolveEverythingUnderDropRepliesTransactionStatus": PostgresNIODriverClaims.d5(.dropReplies, .transactionStatus),
        "testMitigationsResolveEverythingUnderDropCommitAckIdempotent": PostgresNIODriverClaims.d5(.dropCommitAck, .idempotent),
        "testMitigationsResolveEverythingUnderDropCommitAckLedger": PostgresNIODriverClaims.d5(.dropCommitAck, .ledger),
        "testMitigationsResolveEverythingUnderDropCommitAckTransactionStatus": PostgresNIODriverClaims.d5(.dropCommitAck, .transactionStatus),
        "testMitigationsResolveEverythingUnderPartitionIdempotent": PostgresNIODriverClaims.d5(.partition, .idempotent),
        "testMitigationsResolveEverythingUnderPartitionLedger": PostgresNIODriverClaims.d5(.partition, .ledger),
        "testMitigationsResolveEverythingUnderPartitionTransactionStatus": PostgresNIODriverClaims.d5(.partition, .transactionStatus),
    ], plan: { XCTestClaimPlan.plan })

    func testLostAcknowledgementEndsInTime() async throws { try await Self.claims.verify() }
    func testNoDeadlineOfItsOwn() async throws { try await Self.claims.verify() }
    func testNeverSentOrUnknown() async throws { try await Self.claims.verify() }
    func testCommitAnsweredRollback() async throws { try await Self.claims.verify() }
    func testWithTransactionReportsSuccess() async throws { try await Self.claims.verify() }
    func testNoSilentRetry() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropRepliesIdempotent() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropRepliesLedger() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropRepliesTransactionStatus() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropCommitAckIdempotent() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropCommitAckLedger() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderDropCommitAckTransactionStatus() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderPartitionIdempotent() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderPartitionLedger() async throws { try await Self.claims.verify() }
    func testMitigationsResolveEverythingUnderPartitionTransactionStatus() async throws { try await Self.claims.verify() }
}
#endif
