import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// The mitigations: an idempotent retry, and three ways to resolve an indeterminate write
/// after the heal and the fencing. Each runs under the three faults that hit the commit
/// window every time (commit-aligned starts), each test case on its own server.
@Suite("Mitigations")
struct ResolutionClaims {
    static let faults: [Fault.Kind] = [.dropReplies, .dropCommitAck, .partition]
    static let writes = 150

    /// The fault starts when a client is about to COMMIT after 40 acknowledged writes.
    ///
    /// `drop-replies` and `drop-commit-ack` last 1.5 s: requests get through, so every
    /// COMMIT sent during the fault applies and only its acknowledgement is lost. The
    /// partition lasts 3.5 s: the application's client gives up after 500 ms and its kernel
    /// retransmits the COMMIT about 0.2, 0.6, 1.4, 3 and 6.2 s after sending it, so none gets
    /// through before the heal and the next one comes well after the fence, which terminates
    /// the session: its transaction aborts (with a 1.5 or 3 s partition a retransmission
    /// lands right after the heal, and every verdict would be "committed"). So the partition
    /// shows both verdicts.
    static func atCommit(_ fault: Fault.Kind) -> [FaultSchedule] {
        let duration: Duration = fault == .partition ? .milliseconds(3500) : .milliseconds(1500)
        return [FaultSchedule(fault, start: .afterAcknowledged(40, alignedToCommit: true), duration: duration)]
    }

    static func idempotentRetry(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 5: an idempotent retry writes every element exactly once and acknowledges them all") { claim in
            let run = try await claim.run(writes: writes, faults: atCommit(fault), strategy: IdempotentRetryStrategy())
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
            // The fault did hit: some writes needed more than one attempt.
            let retried = run.lastCompletion.values.filter { ($0.attempt ?? 1) > 1 }
            claim.expect(!retried.isEmpty, "no write was retried")
            // Every element exactly once, read independently of the checker.
            claim.expectEqual(run.tableElements.sorted(), Array(0..<writes))
            claim.expectEqual(result.duplicates, [])
            claim.expectEqual(run.outcome.results.duplicates, 0)
            claim.expectEqual(result.total, writes)
            claim.expectEqual(result.acknowledged, writes)
            claim.expectEqual(result.ackRate, 1.0)
            claim.expectEqual(result.indeterminate, [])
            claim.expectEqual(result.unresolved, [])
            claim.expectEqual(run.outcome.results.unresolved, 0)
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        }
    }

    static func idempotentResolutionByKey(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 5: writes still indeterminate when the retry budget runs out are resolved by their key, as the table says") { claim in
            // A 1 s budget, shorter than the fault: the commit-window writes give up indeterminate.
            let run = try await claim.run(
                writes: writes, faults: atCommit(fault), strategy: IdempotentRetryStrategy(), retryBudget: .seconds(1))
            let result = run.result
            claim.expect(!result.indeterminate.isEmpty, "no write was still indeterminate when its budget ran out")
            claim.expect(result.indeterminate.allSatisfy { (run.lastCompletion[$0]?.attempt ?? 0) >= 2 }, "a write gave up without retrying")
            expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "request key ", claim)
            claim.expectEqual(run.tableElements.count, Set(run.tableElements).count, "an element is in the table twice")
        }
    }

    static func ledger(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 6: a ledger id written in the transaction resolves every indeterminate write, also from the intent log alone") { claim in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-ledger-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let log = folder.appendingPathComponent(RunFolder.intentLogFileName)
            let run = try await claim.run(writes: writes, faults: atCommit(fault), strategy: LedgerStrategy(intentLog: log))
            expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "indoubt_ledger", claim)

            // A client restarted with nothing but its intent log: a fresh instance finds the same
            // writes in doubt and resolves them the same way.
            let restarted = LedgerStrategy(intentLog: log)
            let recovered = try restarted.inDoubtWrites()
            claim.expectEqual(recovered, run.outcome.indeterminateWrites)
            let admin = try await PostgresConnection.connect(
                claim.server.connectionOptions(applicationName: "claim-restarted-client"), deadline: .after(.seconds(10)))
            defer { admin.close() }
            let verdicts = try await restarted.resolve(recovered, admin: admin, deadline: .after(.seconds(10)))
            claim.expectEqual(verdicts.mapValues(\.resolution), run.outcome.verdicts.mapValues(\.resolution))
            let table = Set(run.tableElements)
            for write in recovered {
                claim.expectEqual(verdicts[write.element]?.resolution, table.contains(write.element) ? .committed : .aborted,
                                  "element \(write.element)")
            }
        }
    }

    static func transactionStatus(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 7: pg_xact_status of the transaction id recorded inside it resolves every indeterminate write") { claim in
            let run = try await claim.run(writes: writes, faults: atCommit(fault), strategy: TransactionStatusStrategy())
            expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "transaction ", claim)
            // Every token is a transaction id the server assigned, on the timeline it was on
            // (1: no failover here).
            claim.expect(run.outcome.indeterminateWrites.allSatisfy { $0.token.flatMap(TransactionStatusStrategy.Token.init)?.timeline == 1 },
                         "tokens: \(run.outcome.indeterminateWrites.map(\.token))")
        }
    }

    static func twoPhaseCommit(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 8: two-phase commit finds and finishes in-doubt prepared transactions and leaves none behind",
              server: .selected(settings: TwoPhaseCommitStrategy.requiredSettings)) { claim in
            let strategy = TwoPhaseCommitStrategy()
            let run = try await claim.run(writes: writes, faults: atCommit(fault), strategy: strategy)
            expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: strategy.gidPrefix, claim)
            let prepared = try await claim.query("SELECT count(*) FROM pg_prepared_xacts")
            claim.expectEqual(try prepared.first?.int(0), 0, "prepared transactions were left behind")

            let evidence = run.resolveOperations.values.compactMap(\.evidence)
            switch fault {
            case .dropReplies:
                // The aligned client's PREPARE applied and its reply was lost: only the resolver
                // could finish it.
                claim.expect(evidence.contains { $0.contains("the resolver committed it") }, "no prepared transaction was found: \(evidence)")
            case .dropCommitAck:
                // Only replies saying COMMIT are dropped: the aligned client's PREPARE was
                // acknowledged, its COMMIT PREPARED applied, and the gid ledger says so.
                claim.expect(evidence.contains { $0.contains("COMMIT PREPARED had applied") }, "\(evidence)")
            default:
                break
            }
        }
    }

    /// The shared verdict of claims 5–8: the fault hit the commit window, and every
    /// indeterminate write got exactly one verdict, which the table (read independently)
    /// confirms; none is unresolved or misresolved, and `results.json` says so.
    static func expectEveryIndeterminateWriteResolvedAsTheTableSays(
        _ run: ClaimRun, fault: Fault.Kind, evidence: String, _ claim: ClaimContext
    ) {
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        claim.expect(!result.indeterminate.isEmpty, "the fault never hit the commit window")
        claim.expect(run.outcome.resolutionError == nil, "\(run.outcome.resolutionError.map { String(describing: $0) } ?? "")")
        claim.expectEqual(result.unresolved, [])
        claim.expectEqual(result.misresolved, [])
        claim.expectEqual(run.outcome.results.indeterminate, result.indeterminate.count)
        claim.expectEqual(run.outcome.results.unresolved, 0)
        claim.expectEqual(run.outcome.results.misresolved, 0)

        let table = Set(run.tableElements)
        let resolutions = run.resolveOperations
        claim.expectEqual(run.history.count(where: { $0.f == .resolve }), result.indeterminate.count)
        claim.expectEqual(Set(resolutions.keys), Set(result.indeterminate))
        for element in result.indeterminate {
            let expected: HistoryOperation.Resolution = table.contains(element) ? .committed : .aborted
            claim.expect(resolutions[element]?.resolution == expected,
                         "element \(element): resolved \(resolutions[element]?.resolution?.rawValue ?? "nothing") (\(resolutions[element]?.evidence ?? "")), the table says \(expected)")
            claim.expect(resolutions[element]?.evidence?.contains(evidence) == true,
                         "element \(element): evidence \(resolutions[element]?.evidence ?? "none") lacks \(evidence)")
        }
        if fault == .partition {
            // The COMMIT sent into the partition never arrived: at least that write aborted.
            claim.expect(result.indeterminate.contains { resolutions[$0]?.resolution == .aborted }, "no indeterminate write aborted")
        } else {
            // Requests got through: every COMMIT the client lost track of had applied.
            claim.expect(result.indeterminate.allSatisfy { resolutions[$0]?.resolution == .committed },
                         "verdicts: \(result.indeterminate.map { resolutions[$0]?.resolution?.rawValue ?? "none" })")
        }
        claim.expectEqual(result.duplicates, [])
        claim.expectEqual(result.failedButPresent, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        let committed = result.indeterminate.filter { resolutions[$0]?.resolution == .committed }
        let aborted = result.indeterminate.filter { resolutions[$0]?.resolution == .aborted }
        print("\(run.outcome.results.strategy) under \(fault.rawValue): resolved committed \(committed), aborted \(aborted)")
    }

    @Test("Claim 5: an idempotent retry writes every element exactly once and acknowledges them all", arguments: faults)
    func idempotentRetry(fault: Fault.Kind) async throws { try await Self.idempotentRetry(fault).verify() }

    @Test("Claim 5: writes still indeterminate when the retry budget runs out are resolved by their key, as the table says",
          arguments: [Fault.Kind.dropReplies, .partition])
    func idempotentResolutionByKey(fault: Fault.Kind) async throws { try await Self.idempotentResolutionByKey(fault).verify() }

    @Test("Claim 6: a ledger id written in the transaction resolves every indeterminate write, also from the intent log alone",
          arguments: faults)
    func ledger(fault: Fault.Kind) async throws { try await Self.ledger(fault).verify() }

    @Test("Claim 7: pg_xact_status of the transaction id recorded inside it resolves every indeterminate write", arguments: faults)
    func transactionStatus(fault: Fault.Kind) async throws { try await Self.transactionStatus(fault).verify() }

    @Test("Claim 8: two-phase commit finds and finishes in-doubt prepared transactions and leaves none behind", arguments: faults)
    func twoPhaseCommit(fault: Fault.Kind) async throws { try await Self.twoPhaseCommit(fault).verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class ResolutionClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: ResolutionClaimsXCTests.self, [
        "testClaim5IdempotentRetryDropReplies": ResolutionClaims.idempotentRetry(.dropReplies),
        "testClaim5IdempotentRetryDropCommitAck": ResolutionClaims.idempotentRetry(.dropCommitAck),
        "testClaim5IdempotentRetryPartition": ResolutionClaims.idempotentRetry(.partition),
        "testClaim5IdempotentResolutionByKeyDropReplies": ResolutionClaims.idempotentResolutionByKey(.dropReplies),
        "testClaim5IdempotentResolutionByKeyPartition": ResolutionClaims.idempotentResolutionByKey(.partition),
        "testClaim6LedgerDropReplies": ResolutionClaims.ledger(.dropReplies),
        "testClaim6LedgerDropCommitAck": ResolutionClaims.ledger(.dropCommitAck),
        "testClaim6LedgerPartition": ResolutionClaims.ledger(.partition),
        "testClaim7TransactionStatusDropReplies": ResolutionClaims.transactionStatus(.dropReplies),
        "testClaim7TransactionStatusDropCommitAck": ResolutionClaims.transactionStatus(.dropCommitAck),
        "testClaim7TransactionStatusPartition": ResolutionClaims.transactionStatus(.partition),
        "testClaim8TwoPhaseCommitDropReplies": ResolutionClaims.twoPhaseCommit(.dropReplies),
        "testClaim8TwoPhaseCommitDropCommitAck": ResolutionClaims.twoPhaseCommit(.dropCommitAck),
        "testClaim8TwoPhaseCommitPartition": ResolutionClaims.twoPhaseCommit(.partition),
    ], plan: { XCTestClaimPlan.plan })

    func testClaim5IdempotentRetryDropReplies() async throws { try await Self.claims.verify() }
    func testClaim5IdempotentRetryDropCommitAck() async throws { try await Self.claims.verify() }
    func testClaim5IdempotentRetryPartition() async throws { try await Self.claims.verify() }
    func testClaim5IdempotentResolutionByKeyDropReplies() async throws { try await Self.claims.verify() }
    func testClaim5IdempotentResolutionByKeyPartition() async throws { try await Self.claims.verify() }
    func testClaim6LedgerDropReplies() async throws { try await Self.claims.verify() }
    func testClaim6LedgerDropCommitAck() async throws { try await Self.claims.verify() }
    func testClaim6LedgerPartition() async throws { try await Self.claims.verify() }
    func testClaim7TransactionStatusDropReplies() async throws { try await Self.claims.verify() }
    func testClaim7TransactionStatusDropCommitAck() async throws { try await Self.claims.verify() }
    func testClaim7TransactionStatusPartition() async throws { try await Self.claims.verify() }
    func testClaim8TwoPhaseCommitDropReplies() async throws { try await Self.claims.verify() }
    func testClaim8TwoPhaseCommitDropCommitAck() async throws { try await Self.claims.verify() }
    func testClaim8TwoPhaseCommitPartition() async throws { try await Self.claims.verify() }
}
