import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// The article's claims, each asserted with numbers from a real run against a real server,
/// defined once and verified by both frameworks.
@Suite("The article's claims")
struct ExperimentClaims {
    static let healthyNetwork = Claim("Claim 1: on a healthy network every write is acknowledged and survives") { claim in
        let run = try await claim.run(writes: 200, timeout: .seconds(10), faults: [])
        let result = run.result
        claim.expectEqual(result.total, 200)
        claim.expectEqual(result.ackRate, 1.0)
        claim.expectEqual(result.acknowledged, 200)
        claim.expectEqual(result.lost, [])
        claim.expectEqual(result.lossRate, 0.0)
        claim.expectEqual(result.survivors, result.acknowledged)
        claim.expectEqual(result.unacknowledgedFound, [])
        claim.expectEqual(result.indeterminate, [])
        claim.expectEqual(Set(run.tableElements), Set(0..<200))
        claim.expectEqual(run.tableElements.count, 200)
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
    }

    static func unacknowledgedWritesSurvive(_ fault: Fault.Kind) -> Claim {
        Claim("Claim 2: after a fault in the commit window, writes the client saw fail are in the table") { claim in
            let run = try await claim.run(writes: 200, faults: [
                FaultSchedule(fault, start: .afterAcknowledged(50, alignedToCommit: true), duration: .milliseconds(1500)),
            ])
            let result = run.result
            claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
            claim.expect(result.ackRate.map { $0 < 1.0 } == true, "ack rate \(RateFormat.string(result.ackRate))")
            claim.expect(result.unacknowledgedFound.count >= 1, "no unacknowledged write survived")
            claim.expectEqual(result.lossRate, 0.0)
            claim.expectEqual(result.lost, [])
            claim.expectEqual(result.unexpected, [])
            // The checker names exactly the rows that the history never acknowledged.
            claim.expectEqual(Set(result.unacknowledgedFound), run.unacknowledgedInTable)
            claim.expectEqual(result.unacknowledgedFound.count, run.unacknowledgedInTable.count)
            // Each of them the client reported as indeterminate, never as definitely failed.
            for element in result.unacknowledgedFound {
                claim.expectEqual(run.completions[element], [.info], "element \(element)")
            }
            claim.expectEqual(result.failedButPresent, [])
            claim.expectEqual(result.unacknowledgedSuccessRate, Double(result.unacknowledgedFound.count) / Double(result.acknowledged))
        }
    }

    static let errorIsNotFailure = Claim("Claim 3: an error is not a failure: among errored writes some took place and some did not") { claim in
        // Replies lost after a COMMIT: it applied. Then requests lost from a COMMIT on for
        // 3.5 s: the client's kernel retransmits it about 3 and 6.2 s after sending it, so it
        // is still in flight when the fence terminates the session, and never applies.
        let run = try await claim.run(writes: 240, faults: [
            FaultSchedule(.dropReplies, start: .afterAcknowledged(40, alignedToCommit: true), duration: .seconds(1)),
            FaultSchedule(.dropRequests, start: .afterAcknowledged(120, alignedToCommit: true), duration: .milliseconds(3500)),
        ])
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "a fault never started: \(run.outcome.faultErrors)")
        let errored = Set(run.completions.filter { !$0.value.contains(.ok) }.keys)
        let table = Set(run.tableElements)
        let applied = errored.intersection(table)
        let notApplied = errored.subtracting(table)
        claim.expect(!applied.isEmpty, "no errored write took place")
        claim.expect(!notApplied.isEmpty, "every errored write took place")
        claim.expectEqual(Set(result.erroredApplied), applied)
        claim.expectEqual(Set(result.erroredNotApplied), notApplied)
        // The article's point: among the writes whose outcome the client did not know
        // (`info`), some took place and some did not; definite failures alone prove nothing.
        let indeterminate = Set(run.completions.filter { $0.value.contains(.info) && !$0.value.contains(.ok) }.keys)
        claim.expect(!indeterminate.intersection(table).isEmpty, "no indeterminate write took place")
        claim.expect(!indeterminate.subtracting(table).isEmpty, "every indeterminate write took place")
        claim.expectEqual(Set(result.indeterminate), indeterminate)
        // Only indeterminate writes may have taken place; definite failures never do.
        claim.expectEqual(result.failedButPresent, [])
        claim.expectEqual(result.lost, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
    }

    static let articleProcedure = Claim(
        "Claim 9: the article's procedure (slow link, partition at a random moment, heal) hits writes and keeps the invariants"
    ) { claim in
        let writes = 300
        // The article's partition comes at a random moment (here after 30 to 150 acknowledged
        // writes) and outlasts the 1 s write timeout, so the clients it catches give up and
        // start new writes while it is still in force. The next COMMIT waits until its rules
        // are in force: on compose they go in through `docker exec`, and without that wait all
        // the writes were sometimes done before the partition was.
        let run = try await claim.run(writes: writes, timeout: .seconds(1), faults: [
            FaultSchedule(.slow, start: .immediately, duration: nil, rate: "256kbit"),
            FaultSchedule(.partition, start: .afterAcknowledged(Int.random(in: 30...150), alignedToCommit: true),
                          duration: .seconds(3)),
        ])
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "a fault never started: \(run.outcome.faultErrors)")

        // The partition was in force from its start's completion to its heal's invocation,
        // as the history's fault operations record them.
        let partition = run.history.filter { $0.process == .nemesis && $0.fault == Fault.Kind.partition.rawValue }
        let inForce = try claim.require(partition.first { $0.f == .startFault && $0.type == .ok }, "the partition never started")
        let healed = try claim.require(partition.first { $0.f == .stopFault && $0.type == .invoke }, "the partition was never healed")
        let window = inForce.time...healed.time
        let invokedInPartition = run.history.filter { $0.f == .add && $0.type == .invoke && window.contains($0.time) }
            .compactMap(\.value)
        let hit = invokedInPartition.filter { run.lastCompletion[$0].map { $0.type == .fail || $0.type == .info } == true }
        claim.expect(!hit.isEmpty, "no write invoked during the partition failed or ended in doubt: \(invokedInPartition)")
        claim.expect(result.ackRate.map { $0 < 1.0 } == true, "ack rate \(RateFormat.string(result.ackRate))")

        // Hit by the partition, the invariants still hold.
        claim.expectEqual(result.total, writes)
        claim.expectEqual(result.lost, [])
        claim.expectEqual(result.unexpected, [])
        claim.expectEqual(result.failedButPresent, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        claim.expectEqual(Set(result.unacknowledgedFound), run.unacknowledgedInTable)
        // The rates are what the run measured; they are reported, not asserted.
        print("claim 9 measured: ack rate \(RateFormat.string(result.ackRate)), loss rate \(RateFormat.string(result.lossRate)), "
              + "unacknowledged but successful rate \(RateFormat.string(result.unacknowledgedSuccessRate)), "
              + "found \(result.unacknowledgedFound), \(hit.count) of \(invokedInPartition.count) writes invoked during the partition not acknowledged")
    }

    @Test("Claim 1: on a healthy network every write is acknowledged and survives")
    func healthyNetwork() async throws { try await Self.healthyNetwork.verify() }

    @Test("Claim 2: after a fault in the commit window, writes the client saw fail are in the table",
          arguments: [Fault.Kind.dropReplies, .dropCommitAck])
    func unacknowledgedWritesSurvive(fault: Fault.Kind) async throws { try await Self.unacknowledgedWritesSurvive(fault).verify() }

    @Test("Claim 3: an error is not a failure: among errored writes some took place and some did not")
    func errorIsNotFailure() async throws { try await Self.errorIsNotFailure.verify() }

    @Test("Claim 9: the article's procedure (slow link, partition at a random moment, heal) hits writes and keeps the invariants")
    func articleProcedure() async throws { try await Self.articleProcedure.verify() }
}

/// The same claims through XCTest, started with every other class's claims by their `ClaimGroup`
/// of `XCTestClaimPlan`.
final class ExperimentClaimsXCTests: XCTestCase {
    static let claims = ClaimGroup(of: ExperimentClaimsXCTests.self, [
        "testClaim1HealthyNetwork": ExperimentClaims.healthyNetwork,
        "testClaim2UnacknowledgedWritesSurviveDropReplies": ExperimentClaims.unacknowledgedWritesSurvive(.dropReplies),
        "testClaim2UnacknowledgedWritesSurviveDropCommitAck": ExperimentClaims.unacknowledgedWritesSurvive(.dropCommitAck),
        "testClaim3ErrorIsNotFailure": ExperimentClaims.errorIsNotFailure,
        "testClaim9ArticleProcedure": ExperimentClaims.articleProcedure,
    ], plan: { XCTestClaimPlan.plan })

    func testClaim1HealthyNetwork() async throws { try await Self.claims.verify() }
    func testClaim2UnacknowledgedWritesSurviveDropReplies() async throws { try await Self.claims.verify() }
    func testClaim2UnacknowledgedWritesSurviveDropCommitAck() async throws { try await Self.claims.verify() }
    func testClaim3ErrorIsNotFailure() async throws { try await Self.claims.verify() }
    func testClaim9ArticleProcedure() async throws { try await Self.claims.verify() }
}
