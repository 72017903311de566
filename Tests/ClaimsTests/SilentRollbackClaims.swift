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

/// The numbers both frameworks assert, read from the history and the table.
struct SilentRollbackRun {
    static let writes = 60
    /// The elements whose statement error was swallowed.
    static let swallowed = (0..<writes).filter(SwallowingClient.swallows)

    let run: ClaimRun

    static func run(on node: any ExperimentTarget, readsTag: Bool, keepReport: Bool = false) async throws -> SilentRollbackRun {
        SilentRollbackRun(run: try await ClaimRun.run(
            on: node, writes: writes, timeout: .seconds(10), faults: [], strategy: SwallowingClient(readsTag: readsTag),
            keepReport: keepReport))
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
    @Test("A COMMIT that the server answers ROLLBACK is a failure, never an acknowledgement", .postgresServer())
    func rollbackTagIsAFailure() async throws {
        let silent = try await SilentRollbackRun.run(on: try ServerFixture.require(), readsTag: true)
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        #expect(swallowed.count == 9)
        #expect(silent.completed(.fail) == swallowed, "the writes with a swallowed error, from history.jsonl")
        #expect(silent.completed(.info).isEmpty)
        #expect(silent.failsWithoutRollbackTag.isEmpty, "every fail names the ROLLBACK tag")
        #expect(silent.swallowedInTable.isEmpty, "a rolled-back write is in the table")
        #expect(silent.run.tableElements.count == SilentRollbackRun.writes - swallowed.count)
        #expect(silent.lostIndependently.isEmpty)
        #expect(result.failed == swallowed)
        #expect(result.acknowledged == SilentRollbackRun.writes - swallowed.count)
        #expect(result.lost.isEmpty)
        #expect(result.failedButPresent.isEmpty)
        #expect(result.invariantsHold)
    }

    @Test("A client that trusts the reply without reading the tag acknowledges them, and the checker names them lost",
          .postgresServer())
    func trustingTheReplyLosesThem() async throws {
        let silent = try await SilentRollbackRun.run(on: try ServerFixture.require(), readsTag: false)
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        #expect(silent.completed(.ok) == Array(0..<SilentRollbackRun.writes), "every write acknowledged")
        #expect(silent.swallowedInTable.isEmpty, "a rolled-back write is in the table")
        #expect(silent.lostIndependently == swallowed)
        #expect(result.lost == swallowed)
        #expect(silent.run.outcome.results.lostElements == swallowed)
        #expect(!result.invariantsHold)
        #expect(result.invariantViolations == ["\(swallowed.count) acknowledged writes were lost"])
    }

    @Test("A deferred constraint's violation at COMMIT is an ERROR that rolled back: the severity read from the server makes it a failure",
          .postgresServer())
    func deferredViolationIsAFailure() async throws {
        let node = try ServerFixture.require()
        let deadline = Deadline.after(.seconds(10))
        let connection = try await PostgresConnection.connect(node.connectionOptions(applicationName: "claim-deferred"), deadline: deadline)
        defer { connection.close() }
        _ = try await connection.query(
            "DROP TABLE IF EXISTS silent_deferred; CREATE TABLE silent_deferred (x int UNIQUE DEFERRABLE INITIALLY DEFERRED)",
            deadline: deadline)
        _ = try await connection.query("BEGIN; INSERT INTO silent_deferred VALUES (1), (1)", deadline: deadline)
        let error = try await #require(throws: PostgresError.self) { try await connection.commit(deadline: deadline) }
        #expect(error.kind == .server)
        #expect(error.sqlState == "23505")
        #expect(error.severity == "ERROR")
        #expect(error.sent == .commit)
        #expect(OutcomeClassifier.classify(error) == .fail)
        let count = try await connection.query("SELECT count(*) FROM silent_deferred", deadline: deadline).rows.first?.int(0)
        #expect(count == 0)
    }
}

/// The silent rollback through the XCTest fixture, on the backend INDOUBT_BACKEND selects.
final class SilentRollbackXCTests: ServerTestCase {
    func testCommitAnsweredRollbackIsAFailureNeverAnAcknowledgement() async throws {
        let silent = try await SilentRollbackRun.run(on: try target, readsTag: true, keepReport: true)
        addTeardownBlock { [testRun] in
            if testRun?.totalFailureCount == 0 { silent.run.discardReport() }
        }
        let report = silent.run.reportDescription
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        XCTAssertEqual(silent.completed(.fail), swallowed, "the writes with a swallowed error; \(report)")
        XCTAssertEqual(silent.completed(.info), [], report)
        XCTAssertEqual(silent.failsWithoutRollbackTag, [], "every fail names the ROLLBACK tag; \(report)")
        XCTAssertEqual(silent.swallowedInTable, [], report)
        XCTAssertEqual(silent.run.tableElements.count, SilentRollbackRun.writes - swallowed.count, report)
        XCTAssertEqual(silent.lostIndependently, [], report)
        XCTAssertEqual(result.failed, swallowed, report)
        XCTAssertEqual(result.lost, [], report)
        XCTAssertEqual(result.failedButPresent, [], report)
        XCTAssertTrue(result.invariantsHold, "\(result.invariantViolations); \(report)")
    }

    func testTrustingTheReplyAcknowledgesRolledBackWritesAndTheCheckerNamesThemLost() async throws {
        let silent = try await SilentRollbackRun.run(on: try target, readsTag: false, keepReport: true)
        addTeardownBlock { [testRun] in
            if testRun?.totalFailureCount == 0 { silent.run.discardReport() }
        }
        let report = silent.run.reportDescription
        let result = silent.run.result
        let swallowed = SilentRollbackRun.swallowed
        XCTAssertEqual(silent.completed(.ok), Array(0..<SilentRollbackRun.writes), report)
        XCTAssertEqual(silent.swallowedInTable, [], report)
        XCTAssertEqual(silent.lostIndependently, swallowed, report)
        XCTAssertEqual(result.lost, swallowed, report)
        XCTAssertFalse(result.invariantsHold, report)
    }
}
