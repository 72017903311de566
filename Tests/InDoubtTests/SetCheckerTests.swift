import Testing
@testable import InDoubt

@Suite("SetChecker: counting")
struct SetCheckerCountingTests {
    @Test("an empty history: nothing attempted, no read, rates n/a")
    func emptyHistory() {
        let result = SetChecker.check([HistoryOperation]())
        #expect(result.total == 0)
        #expect(result.acknowledged == 0)
        #expect(result.survivors == 0)
        #expect(!result.hasFinalRead)
        #expect(result.ackRate == nil)
        #expect(result.lossRate == nil)
        #expect(result.unacknowledgedSuccessRate == nil)
        #expect(!result.invariantsHold)
    }

    @Test("all writes failed: ack rate 0, loss and found rates n/a")
    func allFailed() {
        var history = HistoryBuilder()
        for element in 1...4 { history.write(element, .fail) }
        history.read([])
        let result = history.check()
        #expect(result.total == 4)
        #expect(result.acknowledged == 0)
        #expect(result.failed == [1, 2, 3, 4])
        #expect(result.erroredNotApplied == [1, 2, 3, 4])
        #expect(result.ackRate == 0.0)
        #expect(result.lossRate == nil)
        #expect(result.unacknowledgedSuccessRate == nil)
        #expect(result.invariantsHold)
    }

    @Test("a healthy run: everything acknowledged and read once")
    func healthy() {
        var history = HistoryBuilder()
        for element in 0..<100 { history.write(element, .ok, client: element % 3) }
        history.read(Array(0..<100))
        let result = history.check()
        #expect(result.total == 100)
        #expect(result.acknowledged == 100)
        #expect(result.survivors == 100)
        #expect(result.ackRate == 1.0)
        #expect(result.lossRate == 0.0)
        #expect(result.unacknowledgedSuccessRate == 0.0)
        #expect(result.invariantsHold)
    }

    @Test("retries of one element count once in total and acknowledged")
    func retries() {
        var history = HistoryBuilder()
        history.write(1, .info)
        history.write(1, .info)
        history.write(1, .ok)
        history.write(2, .fail)
        history.write(2, .fail)
        history.read([1, 1])
        let result = history.check()
        #expect(result.total == 2)
        #expect(result.acknowledged == 1)
        #expect(result.survivors == 1)
        #expect(result.indeterminate.isEmpty, "an acknowledged retry is not indeterminate")
        #expect(result.failed == [2])
        #expect(result.duplicates == [DuplicateElement(element: 1, count: 2)])
        #expect(result.ackRate == 0.5)
    }

    @Test("a completion without a value is paired with its client's invocation")
    func pairing() {
        var history = HistoryBuilder()
        history.invoke(10, client: 0)
        history.invoke(20, client: 1)
        history.complete(20, .fail, client: 1, carryValue: false)
        history.complete(10, .ok, client: 0, carryValue: false)
        history.read([10])
        let result = history.check()
        #expect(result.total == 2)
        #expect(result.acknowledged == 1)
        #expect(result.failed == [20])
        #expect(result.lost.isEmpty)
    }

    @Test("an invocation without a completion is attempted but neither acked nor errored")
    func pendingWrite() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.invoke(2)
        history.read([1, 2])
        let result = history.check()
        #expect(result.total == 2)
        #expect(result.acknowledged == 1)
        #expect(result.unacknowledgedFound == [2])
        #expect(result.erroredApplied.isEmpty)
        #expect(result.indeterminate.isEmpty)
    }

    @Test("the last successful read is the final read; failed reads are ignored")
    func lastReadWins() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .ok)
        history.read([1])
        history.read([1, 2])
        history.failedRead(.info)
        history.failedRead(.fail)
        let result = history.check()
        #expect(result.survivors == 2)
        #expect(result.lost.isEmpty)
    }

    @Test("a read with writes after it is not the final read: a history that ends while the writes go on has none")
    func readDuringWritesIsNotFinal() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.read([1])
        history.write(2, .ok)
        let unfinished = history.check()
        #expect(!unfinished.hasFinalRead)
        #expect(unfinished.lost.isEmpty && unfinished.readThenLost.isEmpty)
        history.read([1, 2])
        let finished = history.check()
        #expect(finished.hasFinalRead && finished.survivors == 2 && finished.readThenLost.isEmpty)
    }

    @Test("read, then lost: an element a read returned that the final read lacks, acknowledged or not, sorted")
    func readThenLost() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .info)
        history.write(3, .ok)
        history.read([3, 1, 2])
        history.write(4, .ok)
        history.read([4, 1, 3, 5])
        history.read([1, 4])
        let result = history.check()
        #expect(result.readThenLost == [2, 3, 5])
        #expect(result.lost == [3])
        #expect(result.unexpected.isEmpty)
        #expect(!result.invariantsHold)
        #expect(result.invariantViolations.last == "3 elements a read returned are gone from the final read")
        #expect(Summary(result).text.contains("3 writes read, then lost!\n(2 3 5)"))
        #expect(Summary(result).text.contains("3 read, then lost (2 3 5)"))
    }

    @Test("nemesis operations do not count")
    func nemesis() {
        var history = HistoryBuilder()
        history.fault()
        history.write(1, .ok)
        history.fault()
        history.read([1])
        #expect(history.check().total == 1)
    }

    @Test("the checker can be fed incrementally with the same result")
    func incremental() {
        var checker = SetChecker()
        for operation in ArticleRun.operations {
            checker.consume(operation)
        }
        #expect(checker.result() == SetChecker.check(ArticleRun.operations))
    }
}

@Suite("SetChecker: anomalies")
struct SetCheckerAnomalyTests {
    @Test("no final read: read-dependent metrics are unknown, invariants do not hold")
    func noFinalRead() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .info)
        history.failedRead(.info)
        let result = history.check()
        #expect(!result.hasFinalRead)
        #expect(result.total == 2)
        #expect(result.acknowledged == 1)
        #expect(result.survivors == 0)
        #expect(result.lost.isEmpty, "unknown, not lost")
        #expect(result.ackRate == 0.5)
        #expect(result.lossRate == nil)
        #expect(result.unacknowledgedSuccessRate == nil)
        #expect(result.indeterminate == [2])
        #expect(result.erroredNotApplied.isEmpty)
        #expect(!result.invariantsHold)
    }

    @Test("an empty final read is a read: everything acknowledged is lost")
    func emptyRead() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .ok)
        history.read([])
        let result = history.check()
        #expect(result.hasFinalRead)
        #expect(result.lost == [1, 2])
        #expect(result.lossRate == 1.0)
        #expect(!result.invariantsHold)
    }

    @Test("lost: acknowledged but absent, sorted")
    func lost() {
        var history = HistoryBuilder()
        for element in [9, 3, 5, 1] { history.write(element, .ok) }
        history.read([5, 1])
        let result = history.check()
        #expect(result.lost == [3, 9])
        #expect(result.lossRate == 0.5)
        #expect(!result.invariantsHold)
    }

    @Test("unexpected: read but never attempted")
    func unexpected() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.read([1, 42, 7, 42])
        let result = history.check()
        #expect(result.unexpected == [7, 42])
        #expect(result.unacknowledgedFound.isEmpty, "never attempted is not found")
        #expect(result.survivors == 3)
        #expect(!result.invariantsHold)
    }

    @Test("duplicates: elements read more than once, with counts")
    func duplicates() {
        var history = HistoryBuilder()
        for element in 1...4 { history.write(element, .ok) }
        history.read([4, 2, 1, 2, 3, 4, 4])
        let result = history.check()
        #expect(result.duplicates == [
            DuplicateElement(element: 2, count: 2), DuplicateElement(element: 4, count: 3),
        ])
        #expect(result.survivors == 4)
        #expect(result.invariantsHold, "duplicates alone do not break the set's invariants")
    }

    @Test("failed but present: a definite failure that took place")
    func failedButPresent() {
        var history = HistoryBuilder()
        history.write(1, .fail)
        history.write(2, .fail)
        history.write(3, .info)
        history.write(4, .fail)
        history.write(4, .info)
        history.read([1, 3, 4])
        let result = history.check()
        #expect(result.failedButPresent == [1], "3 and 4 had an info completion")
        #expect(result.failed == [1, 2])
        #expect(result.erroredApplied == [1, 3, 4])
        #expect(result.erroredNotApplied == [2])
        #expect(result.unacknowledgedFound == [1, 3, 4])
    }

    @Test("an acknowledged element is never failed, indeterminate or errored")
    func acknowledgedAfterErrors() {
        var history = HistoryBuilder()
        history.write(1, .fail)
        history.write(1, .ok)
        history.read([1])
        let result = history.check()
        #expect(result.failed.isEmpty)
        #expect(result.failedButPresent.isEmpty)
        #expect(result.erroredApplied.isEmpty)
        #expect(result.unacknowledgedFound.isEmpty)
    }
}

@Suite("SetChecker: resolutions")
struct SetCheckerResolutionTests {
    /// Five indeterminate writes, 1…5; 1, 2 and 5 are in the final read.
    func history(_ resolve: (inout HistoryBuilder) -> Void) -> SetCheckResult {
        var history = HistoryBuilder()
        for element in 1...5 { history.write(element, .info) }
        resolve(&history)
        history.read([1, 2, 5])
        return history.check()
    }

    @Test("without resolutions every indeterminate write is unresolved")
    func noResolutions() {
        let result = history { _ in }
        #expect(result.indeterminate == [1, 2, 3, 4, 5])
        #expect(result.unresolved == [1, 2, 3, 4, 5])
        #expect(result.misresolved.isEmpty)
    }

    @Test("correct resolutions: resolved, none misresolved; unknown stays unresolved")
    func correct() {
        let result = history {
            $0.resolve(1, .committed)
            $0.resolve(2, .committed)
            $0.resolve(3, .aborted)
            $0.resolve(4, .unknown)
        }
        #expect(result.unresolved == [4, 5])
        #expect(result.misresolved.isEmpty)
    }

    @Test("misresolved both ways: committed but absent, aborted but present")
    func misresolved() {
        let result = history {
            $0.resolve(1, .aborted)
            $0.resolve(3, .committed)
            $0.resolve(2, .committed)
        }
        #expect(result.misresolved == [1, 3])
        #expect(result.unresolved == [4, 5])
    }

    @Test("the last verdict per element wins")
    func lastVerdictWins() {
        let result = history {
            $0.resolve(1, .aborted)
            $0.resolve(1, .committed)
            $0.resolve(2, .committed)
            $0.resolve(2, .unknown)
        }
        #expect(result.misresolved.isEmpty)
        #expect(result.unresolved == [2, 3, 4, 5])
    }

    @Test("a resolution without a final read cannot be misresolved")
    func noRead() {
        var history = HistoryBuilder()
        history.write(1, .info)
        history.resolve(1, .committed)
        let result = history.check()
        #expect(result.misresolved.isEmpty)
        #expect(result.unresolved.isEmpty)
    }
}

/// The verdict CI acts on: a client bug (a wrong resolution, a "definitely failed" write
/// that took place) breaks the invariants as surely as a lost write does.
@Suite("SetChecker: the invariants")
struct SetCheckerInvariantTests {
    @Test("a misresolved write alone breaks the invariants, and the verdict says so")
    func misresolvedBreaksInvariants() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .info)
        history.write(3, .info)
        history.resolve(2, .aborted)
        history.resolve(3, .aborted)
        history.read([1, 2])
        let result = history.check()
        #expect(result.misresolved == [2])
        #expect(result.lost.isEmpty)
        #expect(result.unexpected.isEmpty)
        #expect(result.failedButPresent.isEmpty)
        #expect(!result.invariantsHold)
        #expect(result.invariantViolations == ["1 resolutions disagree with the final read"])
    }

    @Test("a definitely failed write in the final read alone breaks the invariants, and the verdict says so")
    func failedButPresentBreaksInvariants() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .fail)
        history.write(3, .fail)
        history.read([1, 2])
        let result = history.check()
        #expect(result.failedButPresent == [2])
        #expect(result.lost.isEmpty)
        #expect(result.unexpected.isEmpty)
        #expect(result.misresolved.isEmpty)
        #expect(!result.invariantsHold)
        #expect(result.invariantViolations == ["1 writes the client called definitely failed are in the final read"])
    }

    @Test("correct resolutions, unresolved writes and failed writes that did not apply keep the invariants")
    func clientThatKnowsWhatItDoesNotKnow() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .info)
        history.write(3, .info)
        history.write(4, .info)
        history.write(5, .fail)
        history.resolve(2, .committed)
        history.resolve(3, .aborted)
        history.read([1, 2, 4])
        let result = history.check()
        #expect(result.unresolved == [4])
        #expect(result.invariantsHold)
        #expect(result.invariantViolations.isEmpty)
    }

    @Test("every broken invariant is named, in order")
    func everyViolationNamed() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        history.write(2, .info)
        history.write(3, .fail)
        history.resolve(2, .committed)
        history.read([3, 9])
        let result = history.check()
        #expect(result.invariantViolations == [
            "1 acknowledged writes were lost",
            "1 elements were read that were never written",
            "1 resolutions disagree with the final read",
            "1 writes the client called definitely failed are in the final read",
        ])
        #expect(Summary(result).verdictLine == "invariants violated: " + result.invariantViolations.joined(separator: "; "))
        #expect(Summary(SetChecker.check([HistoryOperation]())).verdictLine == "invariants violated: there is no final read")
    }
}
