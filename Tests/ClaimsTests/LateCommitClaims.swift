import Foundation
import InDoubt
import InDoubtTesting
import Testing

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

    static func run(_ strategy: any CommitStrategy, fence: Bool, on node: any ExperimentTarget) async throws -> ClaimRun {
        try await ClaimRun.run(on: node, writes: writes, faults: lostRequests, strategy: strategy, fence: fence)
    }

    @Test("Unfenced, the ledger calls a late COMMIT aborted, and the table contradicts it",
          .postgresServer())
    func unfencedLedgerMisresolves() async throws {
        let node = try ServerFixture.require()
        let log = Self.scratchLog()
        defer { try? FileManager.default.removeItem(at: log) }
        let run = try await Self.run(LedgerStrategy(intentLog: log), fence: false, on: node)
        let result = try Self.expectTheLateCommitSituation(run)
        // At least one write the resolver called aborted is in the table: misresolved, named.
        let table = Set(run.tableElements)
        let calledAborted = run.resolveOperations.filter { $0.value.resolution == .aborted }.map(\.key)
        let contradicted = Set(calledAborted.filter { table.contains($0) })
        #expect(!contradicted.isEmpty, "no late COMMIT landed after the resolver's verdict")
        #expect(Set(result.misresolved) == contradicted)
        #expect(run.outcome.results.misresolved == contradicted.count)
        #expect(run.outcome.results.fenced == false)
        // A broken resolver is a failed run: CI must not pass it.
        #expect(!result.invariantsHold)
        #expect(run.outcome.results.invariantsHold == false)
        #expect(run.outcome.summary.text.contains(Summary.unfencedWarning))
        #expect(run.outcome.fencedSessions == 0)
    }

    @Test("Unfenced, the transaction status says 'in progress' for a late COMMIT: unresolved, never misresolved",
          .postgresServer())
    func unfencedTransactionStatusStaysUnresolved() async throws {
        let node = try ServerFixture.require()
        let run = try await Self.run(TransactionStatusStrategy(), fence: false, on: node)
        let result = try Self.expectTheLateCommitSituation(run)
        #expect(result.misresolved.isEmpty)
        #expect(!result.unresolved.isEmpty)
        let table = Set(run.tableElements)
        for element in result.unresolved {
            #expect(run.resolveOperations[element]?.evidence?.contains("in progress") == true,
                    "element \(element): \(run.resolveOperations[element]?.evidence ?? "no verdict")")
        }
        // The session that held each transaction in progress committed it after the look.
        #expect(result.unresolved.contains { table.contains($0) }, "no late COMMIT landed")
    }

    @Test("Unfenced, two-phase commit finds nothing prepared, and a late PREPARE leaves a transaction prepared behind",
          .postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings))
    func unfencedTwoPhaseCommitLeavesPreparedTransactions() async throws {
        let node = try ServerFixture.require()
        let strategy = TwoPhaseCommitStrategy()
        let run = try await Self.run(strategy, fence: false, on: node)
        _ = try Self.expectTheLateCommitSituation(run)
        #expect(!run.outcome.leftovers.isEmpty, "no PREPARE landed after the resolution")
        let prepared = try await run.query(
            "SELECT gid FROM pg_prepared_xacts WHERE gid LIKE '\(strategy.gidPrefix)%' ORDER BY gid").compactMap { $0.string(0) }
        #expect(run.outcome.leftovers == prepared.map { "\($0) is prepared, after the resolution" })
        let inDoubt = Set(run.outcome.indeterminateWrites.compactMap(\.token))
        #expect(!prepared.isEmpty && prepared.allSatisfy(inDoubt.contains))
        for gid in prepared { _ = try await run.query("ROLLBACK PREPARED '\(gid)'") }
    }

    @Test("Fenced, every strategy's verdict holds against the table, read after a late COMMIT could land",
          .postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings), arguments: ["ledger", "txid", "2pc"])
    func fencedVerdictsHold(strategyName: String) async throws {
        let node = try ServerFixture.require()
        let log = Self.scratchLog()
        defer { try? FileManager.default.removeItem(at: log) }
        let strategy: any CommitStrategy = switch strategyName {
        case "ledger": LedgerStrategy(intentLog: log)
        case "txid": TransactionStatusStrategy()
        default: TwoPhaseCommitStrategy()
        }
        let run = try await Self.run(strategy, fence: true, on: node)
        let result = run.result
        #expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        #expect(!result.indeterminate.isEmpty, "the fault never hit the commit window")
        #expect(run.outcome.fencedSessions >= 1, "no session was left to fence")
        // The fence is complete before the first verdict.
        let fenced = try #require(run.history.firstIndex { $0.f == .fence && $0.type == .ok }, "no fence in the history")
        let firstVerdict = try #require(run.history.firstIndex { $0.f == .resolve }, "no verdict in the history")
        #expect(fenced < firstVerdict, "a verdict came before the fence")
        #expect(run.history[fenced].value == run.outcome.fencedSessions)
        // Long after the retransmissions would have landed, the table still agrees.
        try await Task.sleep(for: .seconds(4))
        let table = Set(try await run.query("SELECT element FROM set_app").map { try $0.int(0) })
        for element in result.indeterminate {
            let verdict = run.resolveOperations[element]?.resolution
            #expect(verdict == (table.contains(element) ? .committed : .aborted),
                    "element \(element): \(verdict?.rawValue ?? "no verdict"), in the table: \(table.contains(element))")
        }
        #expect(result.unresolved.isEmpty)
        #expect(result.misresolved.isEmpty)
        #expect(run.outcome.leftovers.isEmpty)
        #expect(try await run.query("SELECT count(*) FROM pg_prepared_xacts").first?.int(0) == 0)
        #expect(result.invariantsHold)
    }

    /// The situation the unfenced claims are about, checked before anything is asserted of
    /// its resolution: the fault hit the commit window (writes ended `info`, each got a
    /// verdict), nothing was fenced, and the run waited until the clients' sockets drained,
    /// so the final read came after the late COMMITs could land.
    static func expectTheLateCommitSituation(
        _ run: ClaimRun, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> SetCheckResult {
        let result = run.result
        #expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)", sourceLocation: sourceLocation)
        let info = run.lastCompletion.values.filter { $0.type == .info }
        #expect(!info.isEmpty, "no write ended info", sourceLocation: sourceLocation)
        #expect(info.allSatisfy { $0.error?.contains("sent: commit") == true }, sourceLocation: sourceLocation)
        #expect(Set(run.resolveOperations.keys) == Set(result.indeterminate), sourceLocation: sourceLocation)
        let drain = try #require(run.outcome.drain, "an unfenced run did not wait for the sockets", sourceLocation: sourceLocation)
        #expect(drain.pendingAtFinalRead == 0, "sockets still held data at the final read", sourceLocation: sourceLocation)
        #expect(result.lost.isEmpty && result.unexpected.isEmpty && result.duplicates.isEmpty, sourceLocation: sourceLocation)
        return result
    }

    static func scratchLog() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-late-commit-\(UUID().uuidString).jsonl")
    }
}
