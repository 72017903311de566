import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// What retrying does when the client cannot tell whether COMMIT applied: the two wrong
/// ways (claim 4 and the re-sent COMMIT), next to the naive client, which resolves nothing.
@Suite("Retrying an indeterminate write")
struct RetryClaims {
    /// Replies are dropped from the moment a client is about to COMMIT: that COMMIT and
    /// every other one sent during the fault reach the server and apply, unacknowledged.
    static func dropRepliesAtCommit(for duration: Duration = .milliseconds(1500)) -> [FaultSchedule] {
        [FaultSchedule(.dropReplies, start: .afterAcknowledged(40, alignedToCommit: true), duration: duration)]
    }

    static let naiveResolvesNothing = Claim(
        "The naive client resolves nothing: every indeterminate write stays unresolved, no .resolve is recorded"
    ) { claim in
        let run = try await claim.run(writes: 150, faults: dropRepliesAtCommit())
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        claim.expect(!result.indeterminate.isEmpty, "the fault never hit the commit window")
        claim.expectEqual(result.unresolved, result.indeterminate)
        claim.expectEqual(run.outcome.results.unresolved, result.indeterminate.count)
        claim.expect(run.resolveOperations.isEmpty, "resolved: \(run.resolveOperations.keys.sorted())")
        claim.expect(run.outcome.verdicts.isEmpty, "verdicts: \(run.outcome.verdicts.keys.sorted())")
        claim.expectEqual(run.outcome.indeterminateWrites.map(\.element), result.indeterminate)
        claim.expect(run.outcome.indeterminateWrites.allSatisfy { $0.token == nil }, "a naive write carries a token")
        // Naive completions carry no attempt number: its history is what it always was.
        claim.expect(run.history.allSatisfy { $0.attempt == nil }, "a naive operation carries an attempt number")
    }

    static let blindRetryDoubleApplies = Claim(
        "Claim 4: a blind retry of a non-idempotent write double-applies it, and the checker names the duplicates"
    ) { claim in
        let writes = 150
        let run = try await claim.run(writes: writes, faults: dropRepliesAtCommit(), strategy: BlindRetryStrategy())
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")

        // The duplicates as SQL counts them, read independently of the checker.
        let rows = try await claim.query(
            "SELECT element, count(*) FROM set_app GROUP BY element HAVING count(*) > 1 ORDER BY element")
        let counted = try rows.map { DuplicateElement(element: try $0.int(0), count: try $0.int(1)) }
        claim.expect(!counted.isEmpty, "no write was applied twice")
        claim.expectEqual(result.duplicates, counted)
        claim.expectEqual(run.outcome.results.duplicates, counted.count)
        claim.expectEqual(run.outcome.results.duplicateElements, counted)
        // Every element is in the table; the extra rows are exactly the double charges.
        claim.expectEqual(result.survivors, writes)
        claim.expectEqual(run.tableElements.count, writes + counted.reduce(0) { $0 + $1.count - 1 })
        // Each duplicate was acknowledged only by a retry, after its first COMMIT's reply was lost.
        for duplicate in counted {
            let completion = run.lastCompletion[duplicate.element]
            claim.expectEqual(completion?.type, .ok, "element \(duplicate.element)")
            claim.expect((completion?.attempt ?? 0) >= 2, "element \(duplicate.element) took \(completion?.attempt ?? 0) attempt(s)")
        }
        claim.expectEqual(result.ackRate, 1.0)
        claim.expectEqual(result.lost, [])
        claim.expectEqual(result.indeterminate, [])
    }

    /// The fault is `drop-requests` for 3.5 s, aligned so that a COMMIT is the first request
    /// it swallows: that COMMIT never reaches the server while the fault lasts. The client
    /// gives up after 500 ms and closes the socket, as an application's does, and its kernel
    /// retransmits the COMMIT about 0.2, 0.6, 1.4, 3 and 6.2 s after sending it: the last of
    /// these comes after the fence, which terminates the server's session first, so the
    /// late COMMIT never lands (with a 1.5 or 3 s fault it does, right after the heal, and
    /// the re-sent COMMIT is then right by luck) and its transaction rolls back. Meanwhile
    /// the client re-sends COMMIT on a new connection once the fault heals and gets WARNING
    /// 25P01 plus a `COMMIT` tag.
    static let commitRetryLosesAcknowledgedWrites = Claim(
        "A COMMIT re-sent on a new connection acknowledges writes that never committed: the checker counts them lost"
    ) { claim in
        let run = try await claim.run(writes: 150, faults: [
            FaultSchedule(.dropRequests, start: .afterAcknowledged(40, alignedToCommit: true), duration: .milliseconds(3500)),
        ], strategy: CommitRetryStrategy())
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")

        // Acknowledged in the history, absent from the table: computed without the checker.
        claim.expectLostAsTheTableSays(run, "every acknowledged write is in the table")
        // Each lost write was "acknowledged" by the re-sent COMMIT, over the server's warning.
        for element in result.lost {
            let completion = run.lastCompletion[element]
            claim.expectEqual(completion?.type, .ok, "element \(element)")
            claim.expect((completion?.attempt ?? 0) >= 2, "element \(element) took \(completion?.attempt ?? 0) attempt(s)")
            claim.expect(completion?.warning?.contains("WARNING 25P01: there is no transaction in progress") == true,
                         "element \(element): \(completion?.warning ?? "no warning recorded")")
        }
        // The strategy trusts its answer: nothing is left to resolve.
        claim.expectEqual(result.indeterminate, [])
        claim.expect(run.resolveOperations.isEmpty, "resolved: \(run.resolveOperations.keys.sorted())")
    }

    @Test("The naive client resolves nothing: every indeterminate write stays unresolved, no .resolve is recorded")
    func naiveResolvesNothing() async throws { try await Self.naiveResolvesNothing.verify() }

    @Test("Claim 4: a blind retry of a non-idempotent write double-applies it, and the checker names the duplicates")
    func blindRetryDoubleApplies() async throws { try await Self.blindRetryDoubleApplies.verify() }

    @Test("A COMMIT re-sent on a new connection acknowledges writes that never committed: the checker counts them lost")
    func commitRetryLosesAcknowledgedWrites() async throws { try await Self.commitRetryLosesAcknowledgedWrites.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class RetryClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: RetryClaimsXCTests.self, [
        "testNaiveClientResolvesNothing": RetryClaims.naiveResolvesNothing,
        "testClaim4BlindRetryDoubleApplies": RetryClaims.blindRetryDoubleApplies,
        "testCommitRetryLosesAcknowledgedWrites": RetryClaims.commitRetryLosesAcknowledgedWrites,
    ], plan: { XCTestClaimPlan.plan })

    func testNaiveClientResolvesNothing() async throws { try await Self.claims.verify() }
    func testClaim4BlindRetryDoubleApplies() async throws { try await Self.claims.verify() }
    func testCommitRetryLosesAcknowledgedWrites() async throws { try await Self.claims.verify() }
}
