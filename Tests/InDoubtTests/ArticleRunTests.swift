import Testing
@testable import InDoubt

/// The article's own run, number for number.
@Suite("The article's run")
struct ArticleRunTests {
    let result = SetChecker.check(ArticleRun.operations)

    @Test("counts: 1000 total, 950 acknowledged, 952 survivors")
    func counts() {
        #expect(result.total == 1000)
        #expect(result.acknowledged == 950)
        #expect(result.survivors == 952)
        #expect(result.hasFinalRead)
    }

    @Test("names the two unacknowledged writes found: 215 and 218")
    func found() {
        #expect(result.unacknowledgedFound == [215, 218])
        #expect(result.lost.isEmpty)
        #expect(result.unexpected.isEmpty)
        #expect(result.duplicates.isEmpty)
    }

    @Test("rates: 0.95, 0.0, 2/950")
    func rates() throws {
        #expect(result.ackRate == 0.95)
        #expect(result.lossRate == 0.0)
        let rate = try #require(result.unacknowledgedSuccessRate)
        #expect(rate == 2.0 / 950.0)
        #expect(abs(rate - 0.002105263) < 1e-9)
    }

    @Test("claim 3: among errored writes some took place and some did not")
    func erroredWrites() {
        #expect(result.erroredApplied == [215, 218])
        #expect(result.erroredNotApplied.count == 48)
        #expect(result.erroredNotApplied == ArticleRun.failed.sorted())
        #expect(result.failed.count == 48)
        #expect(result.failedButPresent.isEmpty)
    }

    @Test("215 and 218 are indeterminate and, with no strategy, unresolved")
    func indeterminate() {
        #expect(result.indeterminate == [215, 218])
        #expect(result.unresolved == [215, 218])
        #expect(result.misresolved.isEmpty)
        #expect(result.invariantsHold)
    }

    @Test("the summary starts with the article's exact text")
    func summaryText() {
        let summary = Summary(result)
        #expect(summary.articleLines.joined(separator: "\n") == ArticleRun.summary)
        #expect(summary.text.hasPrefix(ArticleRun.summary + "\n"))
    }

    @Test("the whole summary, extra lines included")
    func fullSummary() {
        #expect(Summary(result).text == ArticleRun.summary + "\n" + """
            0 lost
            0 unexpected
            0 duplicates
            2 indeterminate (215 218)
            2 unresolved (215 218)
            0 misresolved
            invariants hold

            """)
    }

    @Test("the results JSON carries the article's numbers")
    func results() {
        let run = RunInfo(
            postgresVersion: "15.18", backend: "netns", fault: "partition", strategy: "naive",
            clients: 5, durationSeconds: 4)
        let results = RunResults(result: result, run: run)
        #expect(results.total == 1000)
        #expect(results.acknowledged == 950)
        #expect(results.survivors == 952)
        #expect(results.unacknowledgedFound == 2)
        #expect(results.unacknowledgedElements == [215, 218])
        #expect(results.ackRate == 0.95)
        #expect(results.lossRate == 0.0)
        #expect(results.unacknowledgedSuccessRate == 2.0 / 950.0)
        #expect(results.erroredApplied == 2)
        #expect(results.erroredNotApplied == 48)
        #expect(results.writesPerS == 250)
        #expect(results.invariantsHold)
        #expect(results.complete)
    }
}
