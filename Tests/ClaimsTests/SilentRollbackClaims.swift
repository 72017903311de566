import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// An application's client that swallows a statement error: `BEGIN; INSERT`, then, for
/// the elements ``swallows(_:)`` picks, `SELECT 1/0` with its error caught and ignored,
/// then `COMMIT`. PostgreSQL answers that COMMIT with the tag `ROLLBACK` and no error.
///
/// With `readsTag` the client commits through ``PostgresConnection/commit(deadline:)``,
/// as every strategy of the harness does; without, it trusts any reply that is not an
/// error (the bug pgjdbc #1697 and rust-postgres #1334 shipped).
struct SwallowingClient: CommitStrategy {
    var readsTag: Bool

    var name: String { readsTag ? "swallowing-client" : "swallowing-client-trusting-the-reply" }

    /// The elements whose transaction hits a statement error that the client swallows.
    static func swallows(_ element: Int) -> Bool { element % 7 == 3 }

    func write(_ context: WriteContext) async -> WriteCompletion {
        do {
            let connection = try await context.session.connection(deadline: context.deadline)
            _ = try await connection.query("BEGIN", deadline: context.deadline)
            _ = try await connection.query(
                "INSERT INTO set_app (element) VALUES ($1)", [String(context.element)], deadline: context.deadline)
            if Self.swallows(context.element) {
                do {
                    _ = try await connection.query("SELECT 1/0", deadline: context.deadline)
                } catch let error as PostgresError where error.kind == .server {
                    // Swallowed, as an application's `catch {}` would: the transaction is now failed.
                }
            }
            await context.beforeCommit()
            if readsTag {
                _ = try await connection.commit(deadline: context.deadline)
            } else {
                _ = try await connection.query("COMMIT", phase: .commit, deadline: context.deadline)
            }
            return .ok
        } catch {
            context.session.reset()
            return .failure(error)
        }
    }
}

/// The numbers the claims assert, read from the history and the table.
struct SilentRollbackRun {
    static let writes = 60
    /// The elements whose statement error was swallowed.
    static let swallowed = (0..<writes).filter(SwallowingClient.swallows)

    let run: ClaimRun

    static func run(_ claim: ClaimContext, readsTag: Bool, driver: DatabaseDriver = .libpq) async throws -> SilentRollbackRun {
        SilentRollbackRun(run: try await claim.run(
            writes: writes, timeout: .seconds(10), faults: [], strategy: SwallowingClient(readsTag: readsTag), driver: driver))
    }

    /// Elements whose last completion in history.jsonl is `type`.
    func completed(_ type: HistoryOperation.Kind) -> [Int] {
        run.lastCompletion.filter { $0.value.type == type }.keys.sorted()
    }

    /// The swallowed elements found in `set_app`, read over a fresh connection.
    var swallowedInTable: [Int] { Set(run.tableElements).intersection(Self.swallowed).sorted() }

    /// Acknowledged in the history, absent from the table: computed without the checker.
    var lostIndependently: [Int] { run.acknowledgedInHistory.subtracting(run.tableElements).sorted() }

    /// The fail completions whose error does not name the ROLLBACK tag.
    var failsWithoutRollbackTag: [Int] {
        completed(.fail).filter { run.lastCompletion[$0]?.error?.contains("with the tag ROLLBACK") != true }
    }
}

@Suite("The silent rollback")
struct SilentRollbackClaims {
    static let rollbackTagIsAFailure = Claim("A COMMIT that the server answers ROLLBACK is a failure, never an acknowledgement") { claim in
        let silent = try await SilentRollbackRun.run(claim, readsTag: true)
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        claim.expectEqual(swallowed.count, 9)
        claim.expectEqual(silent.completed(.fail), swallowed, "the writes with a swallowed error, from history.jsonl")
        claim.expectEqual(silent.completed(.info), [])
        claim.expectEqual(silent.failsWithoutRollbackTag, [], "every fail names the ROLLBACK tag")
        claim.expectEqual(silent.swallowedInTable, [], "a rolled-back write is in the table")
        claim.expectEqual(silent.run.tableElements.count, SilentRollbackRun.writes - swallowed.count)
        claim.expectEqual(silent.lostIndependently, [])
        claim.expectEqual(result.failed, swallowed)
        claim.expectEqual(result.acknowledged, SilentRollbackRun.writes - swallowed.count)
        claim.expectEqual(result.lost, [])
        claim.expectEqual(result.failedButPresent, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
    }

    static let trustingTheReplyLosesThem = Claim(
        "A client that trusts the reply without reading the tag acknowledges them, and the checker names them lost"
    ) { claim in
        let silent = try await SilentRollbackRun.run(claim, readsTag: false)
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        claim.expectEqual(silent.completed(.ok), Array(0..<SilentRollbackRun.writes), "every write acknowledged")
        claim.expectEqual(silent.swallowedInTable, [], "a rolled-back write is in the table")
        claim.expectEqual(silent.lostIndependently, swallowed)
        claim.expectEqual(result.lost, swallowed)
        claim.expectEqual(silent.run.outcome.results.lostElements, swallowed)
        claim.expect(!result.invariantsHold, "a run that lost acknowledged writes kept the invariants")
        claim.expectEqual(result.invariantViolations, ["\(swallowed.count) acknowledged writes were lost"])
    }

    static let deferredViolationIsAFailure = Claim(
        "A deferred constraint's violation at COMMIT is an ERROR that rolled back: the severity read from the server makes it a failure"
    ) { claim in
        let deadline = Deadline.after(.seconds(10))
        let connection = try await PostgresConnection.connect(
            claim.server.connectionOptions(applicationName: "claim-deferred"), deadline: deadline)
        defer { connection.close() }
        _ = try await connection.query(
            "DROP TABLE IF EXISTS silent_deferred; CREATE TABLE silent_deferred (x int UNIQUE DEFERRABLE INITIALLY DEFERRED)",
            deadline: deadline)
        _ = try await connection.query("BEGIN; INSERT INTO silent_deferred VALUES (1), (1)", deadline: deadline)
        let error = try await claim.requireError(PostgresError.self) { _ = try await connection.commit(deadline: deadline) }
        claim.expectEqual(error.kind, .server)
        claim.expectEqual(error.sqlState, "23505")
        claim.expectEqual(error.severity, "ERROR")
        claim.expectEqual(error.sent, .commit)
        claim.expectEqual(OutcomeClassifier.classify(error), .fail)
        let count = try await connection.query("SELECT count(*) FROM silent_deferred", deadline: deadline).rows.first?.int(0)
        claim.expectEqual(count, 0)
    }

    @Test("A COMMIT that the server answers ROLLBACK is a failure, never an acknowledgement")
    func rollbackTagIsAFailure() async throws { try await Self.rollbackTagIsAFailure.verify() }

    @Test("A client that trusts the reply without reading the tag acknowledges them, and the checker names them lost")
    func trustingTheReplyLosesThem() async throws { try await Self.trustingTheReplyLosesThem.verify() }

    @Test("A deferred constraint's violation at COMMIT is an ERROR that rolled back: the severity read from the server makes it a failure")
    func deferredViolationIsAFailure() async throws { try await Self.deferredViolationIsAFailure.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class SilentRollbackClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: SilentRollbackClaimsXCTests.self, [
        "testCommitAnsweredRollbackIsAFailure": SilentRollbackClaims.rollbackTagIsAFailure,
        "testTrustingTheReplyLosesRolledBackWrites": SilentRollbackClaims.trustingTheReplyLosesThem,
        "testDeferredViolationIsAFailure": SilentRollbackClaims.deferredViolationIsAFailure,
    ], plan: { XCTestClaimPlan.plan })

    func testCommitAnsweredRollbackIsAFailure() async throws { try await Self.claims.verify() }
    func testTrustingTheReplyLosesRolledBackWrites() async throws { try await Self.claims.verify() }
    func testDeferredViolationIsAFailure() async throws { try await Self.claims.verify() }
}
