import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Claim R4, resolution across a failover. A primary and one synchronous standby; the
/// replication link is cut, so every COMMIT after it waits for the standby (`wait_event
/// SyncRep`, invisible) until its client's deadline and ends `info`. Where the resolver
/// looks decides whether its verdicts survive the failover: on the old primary, the fence
/// itself commits the waiting transactions there (terminating a backend that waits in
/// SyncRep ends the wait, and the commit, already in the primary's WAL, becomes visible),
/// so the resolver calls committed what the promoted standby never had.
@Suite("Failover resolution: a resolver must read the node that survives")
struct FailoverResolutionClaims {
    static let syncStandby = Claim.Server.replicated(Replication(standbys: 1, mode: .sync(.on)), settings: [:])

    /// The cut, after 30 acknowledged writes, at a COMMIT (the next COMMIT waits until its
    /// rules are in force).
    static let cut = FaultSchedule(.replicationCut, start: .afterAcknowledged(30, alignedToCommit: true), duration: nil)

    /// The failover at a COMMIT after the cut's (the first after 30 acknowledged writes is
    /// the cut's), held back by ``StagedCluster`` until 1.5 s after the cut took effect: the
    /// writes sent into the cut wait for the standby until their 1 s deadline and end
    /// `info`; their clients' next COMMITs, on n1 too, wait at the gate while n1 is fenced and
    /// n2 promoted, so that the ~170 writes left go to n2 (enough to hand out again every
    /// transaction id n1 assigned unreplicated) instead of failing fast against the fenced n1.
    static let failover = FaultSchedule(.failover, start: .afterAcknowledged(30, alignedToCommit: true), duration: nil)

    /// The cluster, staged so that the failover waits for the writes sent into the cut.
    static func staged(_ claim: ClaimContext) throws -> StagedCluster {
        let cluster = try claim.require(claim.server as? NamespaceCluster, "the claim needs a replicated cluster")
        return StagedCluster(cluster, .failOverOnceTheWaitsEnd(after: .milliseconds(1500)))
    }

    // MARK: - On the old primary

    static let resolvingOnTheOldPrimaryMisresolves = Claim(
        "R4: a resolver that fences and resolves on the old primary calls committed the writes the failover then takes back: misresolved, named",
        server: syncStandby
    ) { claim in
        let cluster = try claim.require(claim.server as? NamespaceCluster, "the claim needs a replicated cluster")
        let held = StagedCluster(cluster, .holdTheCut)
        let log = scratchLog()
        defer { try? FileManager.default.removeItem(at: log) }
        // No failover in the run: the fence, the resolution and the final read all happen on
        // n1, with the cut still in force (held past the run).
        let run = try await claim.run(on: held, writes: 50, timeout: .seconds(1), faults: [cut], strategy: LedgerStrategy(intentLog: log))
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the cut never started: \(run.outcome.faultErrors)")
        let cutInForce = try ReplicationClaims.started(.replicationCut, in: run, claim)
        claim.expect(held.cutHeld, "the nemesis never asked to heal the cut: it was not in force through the resolution")
        claim.expect(!run.history.contains { $0.fault == Fault.Kind.failover.rawValue }, "the run failed over")

        // The situation: the writes after the cut waited for the standby until their deadline.
        let inDoubt = result.indeterminate
        claim.expect(!inDoubt.isEmpty, "no write ended info against the cut link")
        let last = run.lastCompletion
        for element in inDoubt {
            claim.expect(last[element].map { $0.time > cutInForce.time && $0.error?.contains("deadline passed") == true } == true,
                         "element \(element) did not wait out its deadline after the cut: \(last[element]?.error ?? "")")
        }
        // Each left its backend waiting in SyncRep; the fence had exactly those to terminate.
        claim.expectEqual(run.outcome.fencedSessions, inDoubt.count, "sessions the fence terminated")

        // On n1 the resolver and the final read agree: the fence committed them all there.
        for element in inDoubt {
            let verdict = run.resolveOperations[element]
            claim.expectEqual(verdict?.resolution, .committed, "element \(element): \(verdict?.evidence ?? "no verdict")")
            claim.expect(verdict?.evidence?.contains("is in indoubt_ledger") == true, "element \(element): \(verdict?.evidence ?? "")")
        }
        claim.expectEqual(Set(inDoubt).subtracting(run.tableElements), [], "info writes the fence did not commit on n1")
        claim.expectEqual(result.misresolved, [], "on n1, before the failover")
        claim.expectEqual(result.unresolved, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")

        // Why: a backend waiting in SyncRep commits locally when it is terminated.
        try await expectTheFenceCommitsLocally(on: cluster.primary, claim)

        // Now the failover the resolver did not wait for.
        let promoted = try await cluster.failover()
        try await held.release()
        claim.expect(promoted.description.contains("n1 fenced, n2 promoted"), "failover: \(promoted)")
        claim.expectEqual(cluster.primary.name, "n2")
        let survivors = try await claim.query("SELECT element FROM set_app").map { try $0.int(0) }

        // The same history, checked against what survived: every verdict on a write the
        // failover took back was wrong. (A COMMIT whose WAL reached n2 just before the rules
        // went in, its acknowledgement not, waited too, yet survives: rightly committed.)
        let onN2 = run.checked(againstFinalRead: survivors)
        let takenBack = inDoubt.filter { !survivors.contains($0) }
        claim.expect(!takenBack.isEmpty, "the failover took back no info write")
        claim.expectEqual(onN2.misresolved, takenBack, "resolved committed on n1, absent from n2")
        claim.expectEqual(onN2.lost, [], "acknowledged writes lost (synchronous replication)")
        // n2 holds every acknowledged write and, beyond them, only info writes: a COMMIT whose
        // WAL reached n2 just before the cut went in survives, its acknowledgement lost.
        claim.expectEqual(Set(survivors).subtracting(inDoubt), run.acknowledgedInHistory,
                          "n2 holds the acknowledged writes and, beyond them, only info writes")
        claim.expect(!onN2.invariantsHold, "misresolved writes kept the invariants")
        print("R4 measured (old primary): \(inDoubt.count) info writes, \(run.outcome.fencedSessions) sessions fenced in SyncRep, "
              + "all resolved committed on n1; after the failover \(inDoubt.count - takenBack.count) on n2, \(onN2.misresolved.count) misresolved "
              + "(\(ElementListFormat.string(onN2.misresolved))); \(promoted)")
    }

    /// Shows on `node` (the old primary, its standby still cut off) what the fence does to a
    /// commit waiting for the standby: invisible while it waits, committed once its backend
    /// is terminated. Uses element -1, which no run writes.
    static func expectTheFenceCommitsLocally(on node: PostgresNode, _ claim: ClaimContext) async throws {
        let deadline = Deadline.after(.seconds(10))
        let writer = try await PostgresConnection.connect(node.connectionOptions(applicationName: "r4-waiting-writer"), deadline: deadline)
        defer { writer.close() }
        _ = try await writer.query("BEGIN", deadline: deadline)
        _ = try await writer.query("INSERT INTO set_app (element) VALUES (-1)", deadline: deadline)
        let gaveUp = try await claim.requireError(PostgresError.self) { _ = try await writer.commit(deadline: .after(.seconds(1))) }
        claim.expectEqual(gaveUp.kind, .timeout, "\(gaveUp)")

        let admin = try await PostgresConnection.connect(node.connectionOptions(applicationName: "r4-fencer"), deadline: deadline)
        defer { admin.close() }
        let pid = String(writer.backendPID)
        let waiting = try await admin.query("SELECT wait_event FROM pg_stat_activity WHERE pid = $1::int", [pid], deadline: deadline)
        claim.expectEqual(waiting.rows.first?.string(0), "SyncRep", "the abandoned commit's backend")
        let count = "SELECT count(*) FROM set_app WHERE element = -1"
        claim.expectEqual(try await admin.query(count, deadline: deadline).rows.first?.int(0), 0, "visible while it waits")
        claim.expectEqual(try await Fence.terminate([writer.backendPID], via: admin, deadline: deadline), 1)
        claim.expectEqual(try await admin.query(count, deadline: deadline).rows.first?.int(0), 1, "visible once fenced")
    }

    // MARK: - On the node that survives

    /// Ledger and idempotent resolve on the promoted standby: what it has is what survived.
    static func resolvingOnTheSurvivorHolds(_ strategyName: String) -> Claim {
        Claim("R4: resolving on the node that survives the failover, the ledger and idempotent strategies misresolve nothing",
              server: syncStandby) { claim in
            let log = scratchLog()
            defer { try? FileManager.default.removeItem(at: log) }
            let strategy: any CommitStrategy = strategyName == "ledger" ? LedgerStrategy(intentLog: log) : IdempotentRetryStrategy()
            // A retry budget of one attempt (the first attempt keeps its whole timeout): an
            // idempotent write sent into the cut ends info instead of being retried until the
            // promoted standby acknowledges it.
            let run = try await claim.run(on: try staged(claim), writes: 200, timeout: .seconds(1), faults: [cut, failover],
                                          strategy: strategy, retryBudget: .milliseconds(1))
            let result = run.result
            let (_, promoted) = try ReplicationClaims.expectTheFailover(run, claim)
            let waited = try expectWritesThatWaitedForTheStandby(run, claim)

            // Every verdict is what n2's table says: aborted for what the failover took back,
            // committed for a COMMIT whose WAL reached n2 before the cut (its acknowledgement did not).
            let table = Set(run.tableElements)
            for element in result.indeterminate {
                let verdict = run.resolveOperations[element]
                claim.expectEqual(verdict?.resolution, table.contains(element) ? .committed : .aborted,
                                  "element \(element): \(verdict?.evidence ?? "no verdict")")
            }
            let takenBack = result.indeterminate.filter { !table.contains($0) }
            claim.expect(!takenBack.isEmpty, "the failover took back no info write")
            claim.expectEqual(result.misresolved, [])
            claim.expectEqual(result.unresolved, [])
            claim.expectEqual(result.lost, [])
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
            print("R4 measured (\(strategyName), on the survivor): \(result.indeterminate.count) info writes "
                  + "(\(waited.count) waited out their deadline on n1), \(takenBack.count) resolved aborted, "
                  + "\(result.indeterminate.count - takenBack.count) committed, \(result.misresolved.count) misresolved, \(result.unresolved.count) unresolved; "
                  + "\(promoted.evidence ?? "")")
        }
    }

    static let transactionStatusAcrossTheFailover = Claim(
        "R4: across a failover, txid answers unknown for the ids the old primary assigned, instead of another transaction's status",
        server: syncStandby
    ) { claim in
        let run = try await claim.run(on: try staged(claim), writes: 200, timeout: .seconds(1), faults: [cut, failover],
                                      strategy: TransactionStatusStrategy())
        let result = run.result
        let (_, promoted) = try ReplicationClaims.expectTheFailover(run, claim)
        _ = try expectWritesThatWaitedForTheStandby(run, claim)

        // The writes n1 gave an id: unknown, and each says why.
        let tokens = run.outcome.indeterminateWrites.compactMap { write in
            write.token.flatMap(TransactionStatusStrategy.Token.init).map { (write.element, $0) }
        }
        let onN1 = tokens.filter { $0.1.timeline == 1 }
        claim.expect(!onN1.isEmpty, "no info write got its id from n1: \(run.outcome.indeterminateWrites.map(\.token))")
        for (element, token) in onN1 {
            let verdict = run.resolveOperations[element]
            claim.expectEqual(verdict?.resolution, .unknown, "element \(element) (\(token)): \(verdict?.evidence ?? "no verdict")")
            claim.expect(verdict?.evidence?.contains("was assigned on timeline 1, this server is on timeline 2") == true,
                         "element \(element): \(verdict?.evidence ?? "")")
        }
        claim.expectEqual(result.misresolved, [])
        claim.expectEqual(Set(onN1.map(\.0)).subtracting(result.unresolved), [], "n1's ids resolved anyway")
        claim.expectEqual(Set(result.unresolved).subtracting(onN1.map(\.0)), [], "unresolved, yet not from n1")
        claim.expectEqual(result.lost, [])

        // What the timeline check saves it from: n2 handed the same ids to the writes after
        // the failover, and says 'committed' for them, while these writes are not on n2.
        let ids = onN1.map { "'\($0.1.transaction)'" }.joined(separator: ", ")  // decimal numbers: nothing to quote
        let reused = try await claim.query("SELECT element, xmin::text FROM set_app WHERE xmin::text IN (\(ids))")
        let reusedBy = Dictionary(try reused.map { ($0.string(1) ?? "", try $0.int(0)) }, uniquingKeysWith: { first, _ in first })
        // (An id can also be on n2 as the write's own transaction: its WAL reached n2 before the cut.)
        let reusedByOthers = onN1.compactMap { element, token in
            reusedBy[String(token.transaction)].flatMap { $0 == element ? nil : (element, token, $0) }
        }
        claim.expect(!reusedByOthers.isEmpty, "n2 handed none of n1's ids to another write: \(reusedBy)")
        for (element, token, other) in reusedByOthers {
            claim.expect(run.resolveOperations[element]?.evidence?.contains("'committed'") == true,
                         "element \(element): id \(token.transaction) wrote element \(other) on n2: \(run.resolveOperations[element]?.evidence ?? "")")
        }
        print("R4 measured (txid, on the survivor): \(result.indeterminate.count) info writes, \(onN1.count) with ids from n1, all unknown; "
              + "\(reusedByOthers.count) of those ids name other writes on n2 (\(reusedByOthers.map { "\($0.1.transaction)→\($0.2)" }.joined(separator: " "))); "
              + "0 misresolved; \(promoted.evidence ?? "")")
    }

    // MARK: - What pg_xact_status answers on the promoted standby

    static let transactionStatusOfAnIdTheStandbyNeverSaw = Claim(
        "R4: on the promoted standby, pg_xact_status of an id only the old primary assigned raises 'in the future', then gives the status of the transaction the id is handed to next",
        server: syncStandby
    ) { claim in
        let cluster = try claim.require(claim.server as? NamespaceCluster, "the claim needs a replicated cluster")
        let deadline = Deadline.after(.seconds(30))
        _ = try await claim.query("CREATE TABLE r4_xact (n int)")
        _ = try await cluster.applyTopologyFault(.replicationCut)

        // On n1, cut off from its synchronous standby: a commit that waits, given up on.
        let writer = try await PostgresConnection.connect(cluster.primary.connectionOptions(applicationName: "r4-writer"), deadline: deadline)
        defer { writer.close() }
        _ = try await writer.query("BEGIN", deadline: deadline)
        let inserted = try await writer.query(
            "INSERT INTO r4_xact VALUES (1) RETURNING pg_current_xact_id()::text, \(WALFileName.currentSQL)", deadline: deadline)
        let token = try claim.require(TransactionStatusStrategy.Token(transaction: inserted.rows.first?.string(0), walFile: inserted.rows.first?.string(1)))
        claim.expectEqual(token.timeline, 1)
        let gaveUp = try await claim.requireError(PostgresError.self) { _ = try await writer.commit(deadline: .after(.seconds(1))) }
        claim.expectEqual(gaveUp.kind, .timeout, "\(gaveUp)")
        let id = String(token.transaction)
        let status = "SELECT pg_xact_status($1::xid8)"

        let n1 = try await PostgresConnection.connect(cluster.primary.connectionOptions(applicationName: "r4-n1"), deadline: deadline)
        defer { n1.close() }
        let waiting = try await n1.query(status, [id], deadline: deadline).rows.first?.string(0)
        claim.expectEqual(waiting, "in progress", "on n1 while the commit waits in SyncRep")
        claim.expectEqual(try await Fence.terminate([writer.backendPID], via: n1, deadline: deadline), 1)
        claim.expectEqual(try await n1.query(status, [id], deadline: deadline).rows.first?.string(0), "committed", "on n1 once fenced")
        claim.expectEqual(try await n1.query("SELECT count(*) FROM r4_xact WHERE n = 1", deadline: deadline).rows.first?.int(0), 1)

        let promoted = try await cluster.failover()
        _ = try await cluster.healTopologyFault(.replicationCut)
        claim.expect(promoted.description.contains("n1 fenced, n2 promoted"), "failover: \(promoted)")
        let n2 = try await PostgresConnection.connect(cluster.primary.connectionOptions(applicationName: "r4-n2"), deadline: deadline)
        defer { n2.close() }
        let walFile = try await n2.query("SELECT \(WALFileName.currentSQL)", deadline: deadline).rows.first?.string(0)
        claim.expectEqual(walFile.flatMap(WALFileName.init)?.timeline, 2, "n2's timeline after the promotion (\(walFile ?? "NULL"))")
        claim.expectEqual(try await n2.query("SELECT count(*) FROM r4_xact WHERE n = 1", deadline: deadline).rows.first?.int(0), 0,
                          "the fenced commit reached n2")

        // 1. Nobody has written on n2 yet: the id is in the future there.
        let future = try await claim.requireError(PostgresError.self) { _ = try await n2.query(status, [id], deadline: deadline) }
        claim.expect(future.message.contains("transaction ID \(id) is in the future"), "\(future)")
        claim.expectEqual(future.sqlState, "22023", "\(future)")
        let strategy = TransactionStatusStrategy()
        let write = IndeterminateWrite(element: 1, client: 0, token: token.description)
        let beforeReuse = try await strategy.resolve([write], admin: n2, deadline: deadline)[1]
        claim.expectEqual(beforeReuse?.resolution, .unknown, "\(beforeReuse?.evidence ?? "no verdict")")
        claim.expect(beforeReuse?.evidence.contains("it is in the future here") == true, beforeReuse?.evidence ?? "")
        // The guard holds on n2's own timeline too (an id it has not handed out yet).
        let sameTimeline = IndeterminateWrite(element: 1, client: 0, token: TransactionStatusStrategy.Token(transaction: token.transaction, timeline: 2).description)
        let futureHere = try await strategy.resolve([sameTimeline], admin: n2, deadline: deadline)[1]
        claim.expect(futureHere?.evidence.contains("is in the future on this server") == true, futureHere?.evidence ?? "no verdict")

        // 2. n2 commits until it hands the same id to one of its own transactions.
        var reusedBy: Int?
        for n in 100..<1100 where reusedBy == nil {
            let assigned = try await n2.query("INSERT INTO r4_xact VALUES ($1::int) RETURNING pg_current_xact_id()::text", [String(n)],
                                              deadline: deadline).rows.first?.string(0).flatMap { UInt64($0) }
            if assigned == token.transaction { reusedBy = n }
            if let assigned, assigned > token.transaction { break }
        }
        let other = try claim.require(reusedBy, "n2 never handed out id \(id) again")
        let reusedStatus = try await n2.query(status, [id], deadline: deadline).rows.first?.string(0)
        claim.expectEqual(reusedStatus, "committed", "id \(id) on n2, now the transaction that wrote \(other)")
        let afterReuse = try await strategy.resolve([write], admin: n2, deadline: deadline)[1]
        claim.expectEqual(afterReuse?.resolution, .unknown, "\(afterReuse?.evidence ?? "no verdict")")
        claim.expect(afterReuse?.evidence.contains("assigned on timeline 1, this server is on timeline 2") == true, afterReuse?.evidence ?? "")
        claim.expect(afterReuse?.evidence.contains("its status here is 'committed'") == true, afterReuse?.evidence ?? "")
        print("R4 measured (pg_xact_status): id \(id) from n1 (timeline 1): 'in progress' on n1 while waiting in SyncRep, 'committed' "
              + "once fenced; on n2 (timeline 2): \(future.sqlState ?? "?") \"\(future.message)\", then '\(reusedStatus ?? "NULL")' once n2 "
              + "gave the id to the transaction that wrote \(other); txid says: \(afterReuse?.evidence ?? ""); \(promoted)")
    }

    /// The info writes that sent their COMMIT into the cut and waited for the standby until
    /// their deadline, before the failover: there must be some.
    static func expectWritesThatWaitedForTheStandby(_ run: ClaimRun, _ claim: ClaimContext) throws -> [Int] {
        let cutInForce = try ReplicationClaims.started(.replicationCut, in: run, claim)
        let failover = try ReplicationClaims.started(.failover, in: run, claim)
        let last = run.lastCompletion
        let waited = run.result.indeterminate.filter { element in
            last[element].map { (cutInForce.time..<failover.time).contains($0.time) && $0.error?.contains("deadline passed") == true } == true
        }
        return try claim.require(waited.isEmpty ? nil : waited,
                                 "no write waited out its deadline between the cut and the failover: \(run.result.indeterminate)")
    }

    static func scratchLog() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-r4-\(UUID().uuidString).jsonl")
    }

    @Test("R4: a resolver that fences and resolves on the old primary calls committed the writes the failover then takes back: misresolved, named")
    func resolvingOnTheOldPrimaryMisresolves() async throws { try await Self.resolvingOnTheOldPrimaryMisresolves.verify() }

    @Test("R4: resolving on the node that survives the failover, the ledger and idempotent strategies misresolve nothing",
          arguments: ["ledger", "idempotent"])
    func resolvingOnTheSurvivorHolds(strategy: String) async throws { try await Self.resolvingOnTheSurvivorHolds(strategy).verify() }

    @Test("R4: on the promoted standby, pg_xact_status of an id only the old primary assigned raises 'in the future', then gives the status of the transaction the id is handed to next")
    func transactionStatusOfAnIdTheStandbyNeverSaw() async throws { try await Self.transactionStatusOfAnIdTheStandbyNeverSaw.verify() }

    @Test("R4: across a failover, txid answers unknown for the ids the old primary assigned, instead of another transaction's status")
    func transactionStatusAcrossTheFailover() async throws { try await Self.transactionStatusAcrossTheFailover.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class FailoverResolutionClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: FailoverResolutionClaimsXCTests.self, [
        "testR4ResolvingOnTheOldPrimaryMisresolves": FailoverResolutionClaims.resolvingOnTheOldPrimaryMisresolves,
        "testR4LedgerOnTheSurvivorHolds": FailoverResolutionClaims.resolvingOnTheSurvivorHolds("ledger"),
        "testR4IdempotentOnTheSurvivorHolds": FailoverResolutionClaims.resolvingOnTheSurvivorHolds("idempotent"),
        "testR4TransactionStatusOfAnIdTheStandbyNeverSaw": FailoverResolutionClaims.transactionStatusOfAnIdTheStandbyNeverSaw,
        "testR4TransactionStatusAcrossTheFailover": FailoverResolutionClaims.transactionStatusAcrossTheFailover,
    ], plan: { XCTestClaimPlan.plan })

    func testR4ResolvingOnTheOldPrimaryMisresolves() async throws { try await Self.claims.verify() }
    func testR4LedgerOnTheSurvivorHolds() async throws { try await Self.claims.verify() }
    func testR4IdempotentOnTheSurvivorHolds() async throws { try await Self.claims.verify() }
    func testR4TransactionStatusOfAnIdTheStandbyNeverSaw() async throws { try await Self.claims.verify() }
    func testR4TransactionStatusAcrossTheFailover() async throws { try await Self.claims.verify() }
}
