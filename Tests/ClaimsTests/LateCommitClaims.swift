import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// The late COMMIT: an application's client gives up on a COMMIT whose request is lost, its
/// kernel keeps retransmitting it, and after the heal it lands. A resolver that looked
/// before then, without fencing the session first, gave a verdict the server later
/// contradicts. With the fence, the session is gone before anyone looks, and the COMMIT
/// can never land.
@Suite("The late COMMIT: only the fence keeps a verdict true")
struct LateCommitClaims {
    static let writes = 200

    /// Requests vanish from a COMMIT on, for 3.5 s, 7 times the clients' 500 ms deadline:
    /// the commit-window writes end `info`, and their kernels retransmit the COMMIT about
    /// 0.2, 0.6, 1.4, 3 and 6.2 s after sending it, so the first one after the heal lands
    /// about 2.7 s after it: long after the resolver (fenced or not) has looked.
    static let lostRequests = [
        FaultSchedule(.dropRequests, start: .afterAcknowledged(50, alignedToCommit: true), duration: .milliseconds(3500))
    ]

    static let unfencedLedgerMisresolves = Claim("Unfenced, the ledger calls a late COMMIT aborted, and the table contradicts it") { claim in
        let log = scratchLog()
        defer { try? FileManager.default.removeItem(at: log) }
        let run = try await claim.run(writes: writes, faults: lostRequests, strategy: LedgerStrategy(intentLog: log), fence: false)
        let result = try expectTheLateCommitSituation(run, claim)
        // At least one write the resolver called aborted is in the table: misresolved, named.
        let table = Set(run.tableElements)
        let calledAborted = run.resolveOperations.filter { $0.value.resolution == .aborted }.map(\.key)
        let contradicted = Set(calledAborted.filter { table.contains($0) })
        claim.expect(!contradicted.isEmpty, "no late COMMIT landed after the resolver's verdict")
        claim.expectEqual(Set(result.misresolved), contradicted)
        claim.expectEqual(run.outcome.results.misresolved, contradicted.count)
        claim.expectEqual(run.outcome.results.fenced, false)
        // A broken resolver is a failed run: CI must not pass it.
        claim.expect(!result.invariantsHold, "a misresolving run kept the invariants")
        claim.expectEqual(run.outcome.results.invariantsHold, false)
        claim.expect(run.outcome.summary.text.contains(Summary.unfencedWarning), "the summary does not warn that the run was unfenced")
        claim.expectEqual(run.outcome.fencedSessions, 0)
    }

    static let unfencedTransactionStatusStaysUnresolved = Claim(
        "Unfenced, the transaction status says 'in progress' for a late COMMIT: unresolved, never misresolved"
    ) { claim in
        let run = try await claim.run(writes: writes, faults: lostRequests, strategy: TransactionStatusStrategy(), fence: false)
        let result = try expectTheLateCommitSituation(run, claim)
        claim.expectEqual(result.misresolved, [])
        claim.expect(!result.unresolved.isEmpty, "every write in doubt was resolved")
        let table = Set(run.tableElements)
        for element in result.unresolved {
            claim.expect(run.resolveOperations[element]?.evidence?.contains("in progress") == true,
                         "element \(element): \(run.resolveOperations[element]?.evidence ?? "no verdict")")
        }
        // The session that held each transaction in progress committed it after the look.
        claim.expect(result.unresolved.contains { table.contains($0) }, "no late COMMIT landed")
    }

    static let unfencedTwoPhaseCommitLeavesPreparedTransactions = Claim(
        "Unfenced, two-phase commit finds nothing prepared, and a late PREPARE leaves a transaction prepared behind",
        server: .selected(settings: TwoPhaseCommitStrategy.requiredSettings)
    ) { claim in
        let strategy = TwoPhaseCommitStrategy()
        let run = try await claim.run(writes: writes, faults: lostRequests, strategy: strategy, fence: false)
        _ = try expectTheLateCommitSituation(run, claim)
        claim.expect(!run.outcome.leftovers.isEmpty, "no PREPARE landed after the resolution")
        let prepared = try await claim.query(
            "SELECT gid FROM pg_prepared_xacts WHERE gid LIKE '\(strategy.gidPrefix)%' ORDER BY gid").compactMap { $0.string(0) }
        claim.expectEqual(run.outcome.leftovers, prepared.map { "\($0) is prepared, after the resolution" })
        let inDoubt = Set(run.outcome.indeterminateWrites.compactMap(\.token))
        claim.expect(!prepared.isEmpty && prepared.allSatisfy(inDoubt.contains), "prepared \(prepared), in doubt \(inDoubt.sorted())")
        for gid in prepared { _ = try await claim.query("ROLLBACK PREPARED '\(gid)'") }
    }

    static func fencedVerdictsHold(_ strategyName: String) -> Claim {
        Claim("Fenced, every strategy's verdict holds against the table, read after a late COMMIT could land",
              server: .selected(settings: TwoPhaseCommitStrategy.requiredSettings)) { claim in
            let log = scratchLog()
            defer { try? FileManager.default.removeItem(at: log) }
            let strategy: any CommitStrategy = switch strategyName {
            case "ledger": LedgerStrategy(intentLog: log)
            case "txid": TransactionStatusStrategy()
            default: TwoPhaseCommitStrategy()
            }
            let run = try await claim.run(writes: writes, faults: lostRequests, strategy: strategy, fence: true)
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
            claim.expect(!result.indeterminate.isEmpty, "the fault never hit the commit window")
            claim.expect(run.outcome.fencedSessions >= 1, "no session was left to fence")
            // The fence is complete before the first verdict.
            let fenced = try claim.require(run.history.firstIndex { $0.f == .fence && $0.type == .ok }, "no fence in the history")
            let firstVerdict = try claim.require(run.history.firstIndex { $0.f == .resolve }, "no verdict in the history")
            claim.expect(fenced < firstVerdict, "a verdict came before the fence")
            claim.expectEqual(run.history[fenced].value, run.outcome.fencedSessions)
            // Long after the retransmissions would have landed, the table still agrees.
            try await Task.sleep(for: .seconds(4))
            let table = Set(try await claim.query("SELECT element FROM set_app").map { try $0.int(0) })
            for element in result.indeterminate {
                let verdict = run.resolveOperations[element]?.resolution
                claim.expect(verdict == (table.contains(element) ? .committed : .aborted),
                             "element \(element): \(verdict?.rawValue ?? "no verdict"), in the table: \(table.contains(element))")
            }
            claim.expectEqual(result.unresolved, [])
            claim.expectEqual(result.misresolved, [])
            claim.expectEqual(run.outcome.leftovers, [])
            claim.expectEqual(try await claim.query("SELECT count(*) FROM pg_prepared_xacts").first?.int(0), 0)
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        }
    }

    /// The situation the unfenced claims are about, checked before anything is asserted of
    /// its resolution: the fault hit the commit window (writes ended `info`, each got a
    /// verdict), nothing was fenced, and the run waited until the clients' sockets drained,
    /// so the final read came after the late COMMITs could land.
    static func expectTheLateCommitSituation(_ run: ClaimRun, _ claim: ClaimContext) throws -> SetCheckResult {
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        let info = run.lastCompletion.values.filter { $0.type == .info }
        claim.expect(!info.isEmpty, "no write ended info")
        claim.expect(info.allSatisfy { $0.error?.contains("sent: commit") == true }, "errors: \(info.map { $0.error ?? "" })")
        claim.expectEqual(Set(run.resolveOperations.keys), Set(result.indeterminate))
        let drain = try claim.require(run.outcome.drain, "an unfenced run did not wait for the sockets")
        claim.expectEqual(drain.pendingAtFinalRead, 0, "sockets still held data at the final read")
        claim.expect(result.lost.isEmpty && result.unexpected.isEmpty && result.duplicates.isEmpty,
                     "lost \(result.lost), unexpected \(result.unexpected), duplicates \(result.duplicates)")
        return result
    }

    static func scratchLog() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-late-commit-\(UUID().uuidString).jsonl")
    }

    @Test("Unfenced, the ledger calls a late COMMIT aborted, and the table contradicts it")
    func unfencedLedgerMisresolves() async throws { try await Self.unfencedLedgerMisresolves.verify() }

    @Test("Unfenced, the transaction status says 'in progress' for a late COMMIT: unresolved, never misresolved")
    func unfencedTransactionStatusStaysUnresolved() async throws { try await Self.unfencedTransactionStatusStaysUnresolved.verify() }

    @Test("Unfenced, two-phase commit finds nothing prepared, and a late PREPARE leaves a transaction prepared behind")
    func unfencedTwoPhaseCommitLeavesPreparedTransactions() async throws {
        try await Self.unfencedTwoPhaseCommitLeavesPreparedTransactions.verify()
    }

    @Test("Fenced, every strategy's verdict holds against the table, read after a late COMMIT could land",
          arguments: ["ledger", "txid", "2pc"])
    func fencedVerdictsHold(strategyName: String) async throws { try await Self.fencedVerdictsHold(strategyName).verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class LateCommitClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: LateCommitClaimsXCTests.self, [
        "testUnfencedLedgerMisresolves": LateCommitClaims.unfencedLedgerMisresolves,
        "testUnfencedTransactionStatusStaysUnresolved": LateCommitClaims.unfencedTransactionStatusStaysUnresolved,
        "testUnfencedTwoPhaseCommitLeavesPreparedTransactions": LateCommitClaims.unfencedTwoPhaseCommitLeavesPreparedTransactions,
        "testFencedLedgerVerdictsHold": LateCommitClaims.fencedVerdictsHold("ledger"),
        "testFencedTransactionStatusVerdictsHold": LateCommitClaims.fencedVerdictsHold("txid"),
        "testFencedTwoPhaseCommitVerdictsHold": LateCommitClaims.fencedVerdictsHold("2pc"),
    ], plan: { XCTestClaimPlan.plan })

    func testUnfencedLedgerMisresolves() async throws { try await Self.claims.verify() }
    func testUnfencedTransactionStatusStaysUnresolved() async throws { try await Self.claims.verify() }
    func testUnfencedTwoPhaseCommitLeavesPreparedTransactions() async throws { try await Self.claims.verify() }
    func testFencedLedgerVerdictsHold() async throws { try await Self.claims.verify() }
    func testFencedTransactionStatusVerdictsHold() async throws { try await Self.claims.verify() }
    func testFencedTwoPhaseCommitVerdictsHold() async throws { try await Self.claims.verify() }
}
