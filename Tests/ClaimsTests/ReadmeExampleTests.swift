// The README's "your own tests" example, compiled and run as written (keep the two in step).
import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

let lostAcknowledgementSurvives = Claim(
    "My commit handling survives a lost acknowledgement",
    server: .selected(settings: TwoPhaseCommitStrategy.requiredSettings)
) { claim in
    let run = try await claim.run(writes: 200, faults: [
        FaultSchedule(.dropCommitAck, start: .afterAcknowledged(50, alignedToCommit: true), duration: .seconds(1)),
    ], strategy: TwoPhaseCommitStrategy())
    claim.expect(!run.result.indeterminate.isEmpty, "the fault never hit the commit window")
    claim.expectEqual(run.result.lost, [])
    claim.expectEqual(run.result.misresolved, [])
    claim.expectEqual(Set(run.result.unacknowledgedFound), run.unacknowledgedInTable)  // the checker agrees with the table
}

@Test("My commit handling survives a lost acknowledgement")
func lostAcknowledgement() async throws { try await lostAcknowledgementSurvives.verify() }

final class MyClaims: XCTestCase {
    func testLostAcknowledgement() async throws { try await lostAcknowledgementSurvives.verify() }
}

let healthyNetworkLosesNothing = Claim("On a healthy network every write is acknowledged") { claim in
    let run = try await claim.run(writes: 100, faults: [])
    claim.expectEqual(run.result.acknowledged, 100)
    claim.expectEqual(Set(run.tableElements), Set(0..<100))
}

final class MyGroupedClaims: XCTestCase {
    static let claims = ClaimGroup(of: MyGroupedClaims.self, [
        "testLostAcknowledgement": lostAcknowledgementSurvives,
        "testHealthyNetwork": healthyNetworkLosesNothing,
    ])
    func testLostAcknowledgement() async throws { try await Self.claims.verify() }
    func testHealthyNetwork() async throws { try await Self.claims.verify() }
}

@Test("The README's example is this file's code, word for word")
func readmeExampleIsThisTest() throws {
    let here = URL(fileURLWithPath: #filePath)
    let readme = try String(contentsOf: here.deletingLastPathComponent().appendingPathComponent("../../README.md").standardized, encoding: .utf8)
    let source = try String(contentsOf: here, encoding: .utf8)
    let start = try #require(readme.range(of: "let lostAcknowledgementSurvives = Claim("))
    let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
    #expect(source.contains(readme[start.lowerBound..<end.lowerBound]))
    let grouped = try #require(readme.range(of: "let healthyNetworkLosesNothing = Claim("))
    let groupedEnd = try #require(readme.range(of: "```", range: grouped.upperBound..<readme.endIndex))
    #expect(source.contains(readme[grouped.lowerBound..<groupedEnd.lowerBound]))
}
