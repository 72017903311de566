import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// Issue 15's driver claims, one ``Claim`` per driver and claim, for every driver this
/// build has: libpq always, postgres-nio in a build with the trait `PostgresNIO`
/// (`swift test --traits PostgresNIO`). Each checks that its situation happened before it
/// asserts what the driver did, and reads the outcome back from PostgreSQL over libpq.
enum DriverClaims {
    /// How long an errored call may outlast its deadline: the time to close the connection
    /// and record the completion on a machine that is busy with other builds.
    static let deadlineSlack: Duration = .milliseconds(500)

    /// D2: whether the error tells "COMMIT never left" from "COMMIT sent, outcome unknown".
    /// Never sent: the server ended the session (a fence, `pg_terminate_backend`) before the
    /// client sent COMMIT. Sent: a deferred trigger makes the server take 2 s over COMMIT, and
    /// the client's 500 ms deadline passes; the COMMIT then applies. Read back: only the
    /// second row is in the table.
    static func neverSentOrUnknown(_ driver: DatabaseDriver) -> Claim {
        Claim("D2 (\(driver.rawValue)): an error after COMMIT was sent is info, and the table says why it must be") { claim in
            let table = "d2_\(driver.rawValue.replacingOccurrences(of: "-", with: "_"))"
            _ = try await claim.query("""
                DROP TABLE IF EXISTS \(table);
                CREATE TABLE \(table) (x int);
                CREATE OR REPLACE FUNCTION \(table)_slow() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN IF NEW.x = 2 THEN PERFORM pg_sleep(2); END IF; RETURN NULL; END $$;
                CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON \(table) DEFERRABLE INITIALLY DEFERRED
                  FOR EACH ROW EXECUTE FUNCTION \(table)_slow()
                """)
            let options = claim.server.connectionOptions(applicationName: "claim-\(table)")

            // Never sent: the session is gone before COMMIT, fenced by its name as the
            // experiment fences (not by the pid the driver reports).
            var fencedOptions = options
            fencedOptions.applicationName = "claim-\(table)-fenced"
            let fenced = try await driver.connect(fencedOptions, deadline: .after(.seconds(10)))
            defer { fenced.close() }
            _ = try await fenced.query("BEGIN", deadline: .after(.seconds(10)))
            _ = try await fenced.query("INSERT INTO \(table) VALUES (1)", deadline: .after(.seconds(10)))
            let admin = try await PostgresConnection.connect(options, deadline: .after(.seconds(10)))
            defer { admin.close() }
            let terminated = try await Fence.terminate(applicationNames: [fencedOptions.applicationName], via: admin, deadline: .after(.seconds(10)))
            claim.expectEqual(terminated, 1, "the fence found the session by its application_name")
            // Let the client's socket take in the server's FATAL before COMMIT is sent.
            try await Task.sleep(for: .milliseconds(500))
            let neverSent = try await claim.requireError(PostgresError.self) {
                _ = try await fenced.commit(deadline: .after(.seconds(10)))
            }
            print("D2 (\(driver.rawValue)), COMMIT after the session ended: \(neverSent) -> \(OutcomeClassifier.classify(neverSent))")

            // Sent, outcome unknown: the deadline passes while the server commits.
            let slow = try await driver.connect(options, deadline: .after(.seconds(10)))
            defer { slow.close() }
            _ = try await slow.query("BEGIN", deadline: .after(.seconds(10)))
            _ = try await slow.query("INSERT INTO \(table) VALUES (2)", deadline: .after(.seconds(10)))
            let unknown = try await claim.requireError(PostgresError.self) {
                _ = try await slow.commit(deadline: .after(.milliseconds(500)))
            }
            print("D2 (\(driver.rawValue)), COMMIT past its deadline: \(unknown) -> \(OutcomeClassifier.classify(unknown))")
            claim.expectEqual(unknown.kind, .timeout)
            claim.expectEqual(unknown.sent, .commit)
            claim.expectEqual(OutcomeClassifier.classify(unknown), .info)
            try await Task.sleep(for: .seconds(2))
            let rows = try await claim.query("SELECT x FROM \(table) ORDER BY x")
            claim.expectEqual(try rows.map { try $0.int(0) }, [2], "the table after both COMMITs")
            // The never-sent COMMIT did not apply. What each driver knew, as found (PostgreSQL 15.18):
            switch driver {
            case .libpq:
                // libpq writes COMMIT into the socket before it reads the server's FATAL: it
                // cannot tell, and the write stays `info` (safe; a fence or a resolver settles it).
                claim.expectEqual(neverSent.kind, .connectionLost, "\(neverSent)")
                claim.expectEqual(neverSent.sent, .commit)
                claim.expectEqual(OutcomeClassifier.classify(neverSent), .info)
            case .postgresNIO:
                // postgres-nio's channel has read the FATAL and closed: the adapter refuses
                // before sending, so the write is definitely failed.
                claim.expectEqual(neverSent.kind, .closed, "\(neverSent)")
                claim.expectEqual(neverSent.sent, .statement)
                claim.expectEqual(OutcomeClassifier.classify(neverSent), .fail)
            }
        }
    }

    /// D3: what the driver reports for a COMMIT that PostgreSQL answers `ROLLBACK`, and that
    /// the harness, reading the tag, records it as a failure through that driver.
    static func commitAnsweredRollback(_ driver: DatabaseDriver) -> Claim {
        Claim("D3 (\(driver.rawValue)): a COMMIT answered ROLLBACK after a swallowed error comes back as a ROLLBACK tag, no error, and is recorded fail") { claim in
            let table = "d3_\(driver.rawValue.replacingOccurrences(of: "-", with: "_"))"
            _ = try await claim.query("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (x int)")
            let deadline = Deadline.after(.seconds(10))
            let connection = try await driver.connect(
                claim.server.connectionOptions(applicationName: "claim-\(table)"), deadline: deadline)
            defer { connection.close() }

            // The driver's own answer to a plain COMMIT of a failed transaction.
            _ = try await connection.query("BEGIN", deadline: deadline)
            _ = try await connection.query("INSERT INTO \(table) VALUES ($1)", ["1"], deadline: deadline)
            let swallowed = try await claim.requireError(PostgresError.self) {
                _ = try await connection.query("SELECT 1/0", deadline: deadline)
            }
            claim.expectEqual(swallowed.kind, .server, "the statement error happened: \(swallowed)")
            claim.expectEqual(swallowed.sqlState, "22012")
            let reply = try await connection.query("COMMIT", phase: .commit, deadline: deadline)
            claim.expectEqual(reply.commandTag, TransactionEnd.rollbackTag, "\(driver) reports COMMIT's tag")

            // The harness's commit, through the same driver, reads that tag.
            _ = try await connection.query("BEGIN", deadline: deadline)
            _ = try await connection.query("INSERT INTO \(table) VALUES ($1)", ["2"], deadline: deadline)
            _ = try? await connection.query("SELECT 1/0", deadline: deadline)
            let rolledBack = try await claim.requireError(PostgresError.self) { _ = try await connection.commit(deadline: deadline) }
            claim.expectEqual(rolledBack.kind, .rolledBack)
            claim.expectEqual(OutcomeClassifier.classify(rolledBack), .fail)
            claim.expect(connection.isUsable, "a ROLLBACK tag is an answer, not a broken connection")
            let rows = try await claim.query("SELECT count(*) FROM \(table)")
            claim.expectEqual(try rows.first?.int(0), 0, "a rolled-back row is in the table")

            // The workload through the driver: every swallowed write fails, none is lost.
            let silent = try await SilentRollbackRun.run(claim, readsTag: true, driver: driver)
            let swallowedElements = SilentRollbackRun.swallowed
            claim.expectEqual(silent.run.outcome.results.driver, driver.description)
            claim.expectEqual(silent.completed(.fail), swallowedElements, "the writes with a swallowed error, from history.jsonl")
            claim.expectEqual(silent.failsWithoutRollbackTag, [])
            claim.expectEqual(silent.swallowedInTable, [])
            claim.expectEqual(silent.lostIndependently, [])
            claim.expectEqual(silent.run.tableElements.count, SilentRollbackRun.writes - swallowedElements.count)
            claim.expect(silent.run.result.invariantsHold, "\(silent.run.result.invariantViolations)")
        }
    }

    /// D1: a lost COMMIT acknowledgement ends the application's call with an error within
    /// its deadline, and the write it lost the answer of is in the table.
    static func lostAcknowledgementEndsInTime(_ driver: DatabaseDriver) -> Claim {
        Claim("D1 (\(driver.rawValue)): a lost COMMIT acknowledgement ends the application's call with an error within its deadline") { claim in
            let timeout = Duration.milliseconds(500)
            let run = try await claim.run(writes: 120, timeout: timeout, faults: [
                FaultSchedule(.dropCommitAck, start: .afterAcknowledged(30, alignedToCommit: true), duration: .milliseconds(1500)),
            ], driver: driver)
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
            claim.expectEqual(run.outcome.results.driver, driver.description)
            let lostAcks = result.indeterminate
            claim.expect(!lostAcks.isEmpty, "no COMMIT lost its acknowledgement")
            let durations = DriverClaims.callDurations(run.history)
            for element in lostAcks {
                let took = durations[element] ?? .seconds(3600)
                claim.expect(took <= timeout + deadlineSlack, "element \(element): the call took \(took), deadline \(timeout)")
                let error = run.lastCompletion[element]?.error ?? ""
                claim.expect(error.contains("timeout") && error.contains("sent: commit"), "element \(element): \(error)")
            }
            // Read back: each COMMIT whose answer was lost did apply.
            let table = Set(run.tableElements)
            claim.expectEqual(Set(lostAcks).subtracting(table), [], "a write whose COMMIT acknowledgement was lost is not in the table")
            claim.expectEqual(Set(result.unacknowledgedFound), run.unacknowledgedInTable)
            claim.expectEqual(result.lost, [])
            claim.expectEqual(result.failedButPresent, [])
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        }
    }

    /// D4: the driver does not retry or replay a statement on its own after its connection
    /// breaks: the naive client under lost replies leaves no element twice in the table.
    static func noSilentRetry(_ driver: DatabaseDriver) -> Claim {
        Claim("D4 (\(driver.rawValue)): the driver does not replay a write on its own: 0 duplicates with the naive client under drop-replies") { claim in
            let run = try await claim.run(writes: 120, timeout: .milliseconds(500), faults: [
                FaultSchedule(.dropReplies, start: .afterAcknowledged(30, alignedToCommit: true), duration: .milliseconds(1500)),
            ], driver: driver)
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
            claim.expectEqual(run.outcome.results.driver, driver.description)
            claim.expect(!result.indeterminate.isEmpty, "no reply was lost")
            claim.expect(run.completions.values.allSatisfy { $0.count == 1 }, "a write completed more than once")
            // Read back: no element twice, and none that was never attempted.
            claim.expectEqual(run.tableElements.count, Set(run.tableElements).count, "an element is in the table twice")
            claim.expectEqual(result.duplicates, [])
            claim.expectEqual(result.unexpected, [])
            claim.expectEqual(result.lost, [])
            claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        }
    }

    /// D5's faults and mitigations. Each pair is a claim with a server of its own, so that
    /// all nine run at once rather than one after another (a fault's three took 20 s).
    static let mitigationFaults: [Fault.Kind] = [.dropReplies, .dropCommitAck, .partition]

    /// A mitigation D5 puts through the driver.
    enum Mitigation: String, CaseIterable, Sendable {
        /// The idempotent retry, with a 1 s budget, so that some writes give up indeterminate.
        case idempotent
        /// The ID ledger, with an intent log.
        case ledger
        /// The transaction status (txid).
        case transactionStatus

        /// The strategy, its intent log (for the ledger) in `folder`.
        func strategy(intentLogIn folder: URL) -> any CommitStrategy {
            switch self {
            case .idempotent: IdempotentRetryStrategy()
            case .ledger: LedgerStrategy(intentLog: folder.appendingPathComponent(RunFolder.intentLogFileName))
            case .transactionStatus: TransactionStatusStrategy()
            }
        }
    }

    /// D5: a mitigation through the driver, under one of ``mitigationFaults``: the idempotent
    /// retry, the ledger and the transaction status each leave 0 unresolved, 0 misresolved and
    /// 0 duplicates, under lost replies, lost COMMIT acknowledgements or a partition; each
    /// verdict is what the table, read back, says.
    static func mitigationsResolveEverything(_ driver: DatabaseDriver, under fault: Fault.Kind, with mitigation: Mitigation) -> Claim {
        Claim("D5 (\(driver.rawValue)): idempotent, ledger and txid through the driver leave 0 unresolved, 0 misresolved, 0 duplicates") { claim in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-d5-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            // A partition lasts 3.5 s, as in ResolutionClaims.atCommit: the COMMIT sent into
            // it is retransmitted after the fence has ended its session, so it aborts, and
            // the resolvers must tell both verdicts apart.
            let duration: Duration = fault == .partition ? .milliseconds(3500) : .milliseconds(1500)
            let strategy = mitigation.strategy(intentLogIn: folder)
            let context = "\(strategy.name) under \(fault.rawValue)"
            let run = try await claim.run(writes: 120, faults: [
                FaultSchedule(fault, start: .afterAcknowledged(30, alignedToCommit: true), duration: duration),
            ], strategy: strategy, retryBudget: .seconds(1), driver: driver)
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "\(context): the fault never started: \(run.outcome.faultErrors)")
            claim.expectEqual(run.outcome.results.driver, driver.description, context)
            claim.expect(!result.indeterminate.isEmpty, "\(context): no write was indeterminate")
            claim.expect(run.outcome.resolutionError == nil, "\(context): \(run.outcome.resolutionError ?? "")")
            claim.expectEqual(result.unresolved, [], context)
            claim.expectEqual(result.misresolved, [], context)
            claim.expectEqual(result.duplicates, [], context)
            // Read back: no element twice, and each verdict is what the table says.
            claim.expectEqual(run.tableElements.count, Set(run.tableElements).count, "\(context): an element is in the table twice")
            let table = Set(run.tableElements)
            for element in result.indeterminate {
                let expected: HistoryOperation.Resolution = table.contains(element) ? .committed : .aborted
                claim.expect(run.resolveOperations[element]?.resolution == expected,
                             "\(context): element \(element) resolved \(run.resolveOperations[element]?.resolution?.rawValue ?? "nothing"), the table says \(expected)")
            }
            claim.expect(result.invariantsHold, "\(context): \(result.invariantViolations)")
        }
    }

    /// Each write's time from invocation to completion, by element.
    static func callDurations(_ history: [HistoryOperation]) -> [Int: Duration] {
        var started: [Int: Int64] = [:]
        var durations: [Int: Duration] = [:]
        for operation in history where operation.f == .add {
            guard let element = operation.value, case .client = operation.process else { continue }
            if operation.type == .invoke {
                started[element] = operation.time
            } else if let start = started[element] {
                durations[element] = .nanoseconds(operation.time - start)
            }
        }
        return durations
    }
}

@Suite("Drivers on trial: libpq")
struct LibPQDriverClaims {
    static let d1 = DriverClaims.lostAcknowledgementEndsInTime(.libpq)
    static let d2 = DriverClaims.neverSentOrUnknown(.libpq)
    static let d3 = DriverClaims.commitAnsweredRollback(.libpq)
    static let d4 = DriverClaims.noSilentRetry(.libpq)
    static func d5(_ fault: Fault.Kind, _ mitigation: DriverClaims.Mitigation) -> Claim {
        DriverClaims.mitigationsResolveEverything(.libpq, under: fault, with: mitigation)
    }

    @Test("D1 (libpq): a lost COMMIT acknowledgement ends the application's call with an error within its deadline")
    func d1() async throws { try await Self.d1.verify() }

    @Test("D2 (libpq): an error after COMMIT was sent is info, and the table says why it must be")
    func d2() async throws { try await Self.d2.verify() }

    @Test("D3 (libpq): a COMMIT answered ROLLBACK after a swallowed error comes back as a ROLLBACK tag, no error, and is recorded fail")
    func d3() async throws { try await Self.d3.verify() }

    @Test("D4 (libpq): the driver does not replay a write on its own: 0 duplicates with the naive client under drop-replies")
    func d4() async throws { try await Self.d4.verify() }

    @Test("D5 (libpq): idempotent, ledger and txid through the driver leave 0 unresolved, 0 misresolved, 0 duplicates",
          arguments: DriverClaims.mitigationFaults, DriverClaims.Mitigation.allCases)
    func d5(fault: Fault.Kind, mitigation: DriverClaims.Mitigation) async throws { try await Self.d5(fault, mitigation).verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class LibPQDriverClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: LibPQDriverClaimsXCTests.self, [
        "testLostAcknowledgementEndsInTime": LibPQDriverClaims.d1,
        "testNeverSentOrUnknown": LibPQDriverClaims.d2,
        "testCommitAnsweredRollback": LibPQDriverClaims.d3,
        "testNoSilentRetry": LibPQDriverClaims.d4,
        "testMitigationsResolveEverythingUnderDropRepliesIdempotent": LibPQDriverClaims.d5(.dropReplies, .idempotent),
        "testMitigationsResolveEverythingUnderDropRepliesLedger": LibPQDriverClaims.d5(.dropReplies, .ledger),
        "testMitigationsResolveEverythingUnderDropRepliesTransactionStatus": LibPQDriverClaims.d5(.dropReplies, .transactionStatus),
        "testMitigationsResolveEverythingUnderDropCommitAckIdempotent": LibPQDriverClaims.d5(.dropCommitAck, .idempotent),
        "testMitigationsResolveEverythingUnderDropCommitAckLedger": LibPQDriverClaims.d5(.dropCommitAck, .ledger),
        "testMitigationsResolveEverythingUnderDropCommitAckTransactionStatus": LibPQDriverClaims.d5(.dropCommitAck, .transactionStatus),
        "testMitigationsResolveEverythingUnderPartitionIdempotent": LibPQDriverClaims.d5(.partition, .idempotent),
        "testMitigationsResolveEverythingUnderPartitionLedger": LibPQDriverClaims.d5(.partition, .ledger),
        "testMitigationsResolveEverythingUnderPartitionTransactionStatus": LibPQDriverClaims.d5(.partition, .transactionStatus),
    ], plan: { XCTestClaimPlan.plan })

    func testLostAcknowledgementEndsInTime() async throws { try await Self.claims.verify() }
    func testNeverSentOrUnknown() async throws { try await Self.claims.verify() }
    func testCommitAnsweredRollback() async throws { try await Self.claims.verify() }
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
