// The README's "your own tests" example, compiled and run as written (keep the two in step).
import Foundation
import InDoubt
import InDoubtTesting
import Testing

@Test(.postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings))
func myCommitHandlingSurvivesALostAck() async throws {
    let run = try await ClaimRun.run(
        on: try ServerFixture.require(), writes: 200,
        faults: [FaultSchedule(.dropCommitAck, start: .afterAcknowledged(50, alignedToCommit: true), duration: .seconds(1))],
        strategy: TwoPhaseCommitStrategy())
    #expect(!run.result.indeterminate.isEmpty)                   // the fault hit the commit window
    #expect(run.result.lost.isEmpty && run.result.misresolved.isEmpty)
    #expect(Set(run.result.unacknowledgedFound) == run.unacknowledgedInTable)  // the checker agrees with the table
}

@Test("The README's example is this file's test, word for word")
func readmeExampleIsThisTest() throws {
    let here = URL(fileURLWithPath: #filePath)
    let readme = try String(contentsOf: here.deletingLastPathComponent().appendingPathComponent("../../README.md").standardized, encoding: .utf8)
    let source = try String(contentsOf: here, encoding: .utf8)
    let start = try #require(readme.range(of: "@Test(.postgresServer(settings: TwoPhaseCommitStrategy.requiredSettings))"))
    let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
    #expect(source.contains(readme[start.lowerBound..<end.lowerBound]))
}
