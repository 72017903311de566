import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The mitigations: an idempotent retry, and three ways to resolve an indeterminate write
/// after the heal and the fencing. Each runs under the three faults that hit the commit
/// window every time (commit-aligned starts), each test case on its own cluster.
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

    @Test("Claim 5: an idempotent retry writes every element exactly once and acknowledges them all",
          .postgresServer(), arguments: faults)
    func idempotentRetry(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        let run = try await ClaimRun.run(
            on: node, writes: Self.writes, faults: Self.atCommit(fault), strategy: IdempotentRetryStrategy())
        let result = run.result
        #expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        // The fault did hit: some writes needed more than one attempt.
        let retried = run.lastCompletion.values.filter { ($0.attempt ?? 1) > 1 }
        #expect(!retried.isEmpty, "no write was retried")
        // Every element exactly once, read independently of the checker.
        #expect(run.tableElements.sorted() == Array(0..<Self.writes))
        #expect(result.duplicates.isEmpty)
        #expect(run.outcome.results.duplicates == 0)
        #expect(result.total == Self.writes)
        #expect(result.acknowledged == Self.writes)
        #expect(result.ackRate == 1.0)
        #expect(result.indeterminate.isEmpty)
        #expect(result.unresolved.isEmpty)
        #expect(run.outcome.results.unresolved == 0)
        #expect(result.invariantsHold)
    }

    @Test("Claim 5: writes still indeterminate when the retry budget runs out are resolved by their key, as the table says",
          .postgresServer(), arguments: [Fault.Kind.dropReplies, .partition])
    func idempotentResolutionByKey(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        // A 1 s budget, shorter than the fault: the commit-window writes give up indeterminate.
        let run = try await ClaimRun.run(
            on: node, writes: Self.writes, faults: Self.atCommit(fault), strategy: IdempotentRetryStrategy(),
            retryBudget: .seconds(1))
        let result = run.result
        #expect(!result.indeterminate.isEmpty, "no write was still indeterminate when its budget ran out")
        #expect(result.indeterminate.allSatisfy { (run.lastCompletion[$0]?.attempt ?? 0) >= 2 }, "a write gave up without retrying")
        expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "request key ")
        #expect(run.tableElements.count == Set(run.tableElements).count, "an element is in the table twice")
    }

    @Test("Claim 6: a ledger id written in the transaction resolves every indeterminate write, also from the intent log alone",
          .postgresServer(), arguments: faults)
    func ledger(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent(RunFolder.intentLogFileName)
        let run = try await ClaimRun.run(
            on: node, writes: Self.writes, faults: Self.atCommit(fault), strategy: LedgerStrategy(intentLog: log))
        expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "indoubt_ledger")

        // A client restarted with nothing but its intent log: a fresh instance finds the same
        // writes in doubt and resolves them the same way.
        let restarted = LedgerStrategy(intentLog: log)
        let recovered = try restarted.inDoubtWrites()
        #expect(recovered == run.outcome.indeterminateWrites)
        let admin = try await PostgresConnection.connect(
            node.connectionOptions(applicationName: "claim-restarted-client"), deadline: .after(.seconds(10)))
        defer { admin.close() }
        let verdicts = try await restarted.resolve(recovered, admin: admin, deadline: .after(.seconds(10)))
        #expect(verdicts.mapValues(\.resolution) == run.outcome.verdicts.mapValues(\.resolution))
        let table = Set(run.tableElements)
        for write in recovered {
            #expect(verdicts[write.element]?.resolution == (table.contains(write.element) ? .committed : .aborted))
        }
    }

    @Test("Claim 7: pg_xact_status of the transaction id recorded inside it resolves every indeterminate write",
          .postgresServer(), arguments: faults)
    func transactionStatus(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        let run = try await ClaimRun.run(
            on: node, writes: Self.writes, faults: Self.atCommit(fault), strategy: TransactionStatusStrategy())
        expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: "transaction ")
        // Every token is a transaction id the server assigned.
        #expect(run.outcome.indeterminateWrites.allSatisfy { $0.token.flatMap(UInt64.init) != nil })
    }

    @Test("Claim 8: two-phase commit finds and finishes in-doubt prepared transactions and leaves none behind",
          .postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings), arguments: faults)
    func twoPhaseCommit(fault: Fault.Kind) async throws {
        let node = try ServerFixture.require()
        let strategy = TwoPhaseCommitStrategy()
        let run = try await ClaimRun.run(on: node, writes: Self.writes, faults: Self.atCommit(fault), strategy: strategy)
        expectEveryIndeterminateWriteResolvedAsTheTableSays(run, fault: fault, evidence: strategy.gidPrefix)
        let prepared = try await run.query("SELECT count(*) FROM pg_prepared_xacts")
        #expect(try prepared.first?.int(0) == 0, "prepared transactions were left behind")

        let evidence = run.resolveOperations.values.compactMap(\.evidence)
        switch fault {
        case .dropReplies:
            // The aligned client's PREPARE applied and its reply was lost: only the resolver
            // could finish it.
            #expect(evidence.contains { $0.contains("the resolver committed it") }, "no prepared transaction was found: \(evidence)")
        case .dropCommitAck:
            // Only replies saying COMMIT are dropped: the aligned client's PREPARE was
            // acknowledged, its COMMIT PREPARED applied, and the gid ledger says so.
            #expect(evidence.contains { $0.contains("COMMIT PREPARED had applied") }, "\(evidence)")
        default:
            break
        }
    }

    /// The shared verdict of claims 6–8: the fault hit the commit window, and every
    /// indeterminate write got exactly one verdict, which the table (read independently)
    /// confirms; none is unresolved or misresolved, and `results.json` says so.
    private func expectEveryIndeterminateWriteResolvedAsTheTableSays(
        _ run: ClaimRun, fault: Fault.Kind, evidence: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = run.result
        #expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)", sourceLocation: sourceLocation)
        #expect(!result.indeterminate.isEmpty, "the fault never hit the commit window", sourceLocation: sourceLocation)
        #expect(run.outcome.resolutionError == nil, sourceLocation: sourceLocation)
        #expect(result.unresolved.isEmpty, sourceLocation: sourceLocation)
        #expect(result.misresolved.isEmpty, sourceLocation: sourceLocation)
        #expect(run.outcome.results.indeterminate == result.indeterminate.count, sourceLocation: sourceLocation)
        #expect(run.outcome.results.unresolved == 0, sourceLocation: sourceLocation)
        #expect(run.outcome.results.misresolved == 0, sourceLocation: sourceLocation)

        let table = Set(run.tableElements)
        let resolutions = run.resolveOperations
        #expect(run.history.count(where: { $0.f == .resolve }) == result.indeterminate.count, sourceLocation: sourceLocation)
        #expect(Set(resolutions.keys) == Set(result.indeterminate), sourceLocation: sourceLocation)
        for element in result.indeterminate {
            let expected: HistoryOperation.Resolution = table.contains(element) ? .committed : .aborted
            #expect(resolutions[element]?.resolution == expected,
                    "element \(element): resolved \(resolutions[element]?.resolution?.rawValue ?? "nothing") (\(resolutions[element]?.evidence ?? "")), the table says \(expected)",
                    sourceLocation: sourceLocation)
            #expect(resolutions[element]?.evidence?.contains(evidence) == true, sourceLocation: sourceLocation)
        }
        if fault == .partition {
            // The COMMIT sent into the partition never arrived: at least that write aborted.
            #expect(result.indeterminate.contains { resolutions[$0]?.resolution == .aborted },
                    "no indeterminate write aborted", sourceLocation: sourceLocation)
        } else {
            // Requests got through: every COMMIT the client lost track of had applied.
            #expect(result.indeterminate.allSatisfy { resolutions[$0]?.resolution == .committed }, sourceLocation: sourceLocation)
        }
        #expect(result.duplicates.isEmpty, sourceLocation: sourceLocation)
        #expect(result.failedButPresent.isEmpty, sourceLocation: sourceLocation)
        #expect(result.invariantsHold, sourceLocation: sourceLocation)
        let committed = result.indeterminate.filter { resolutions[$0]?.resolution == .committed }
        let aborted = result.indeterminate.filter { resolutions[$0]?.resolution == .aborted }
        print("\(run.outcome.results.strategy) under \(fault.rawValue): resolved committed \(committed), aborted \(aborted)")
    }
}
