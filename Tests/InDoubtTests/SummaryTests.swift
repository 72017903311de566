import Testing
@testable import InDoubt

@Suite("Summary text")
struct SummaryTests {
    @Test("a healthy run says all writes succeeded")
    func allSucceeded() {
        var history = HistoryBuilder()
        for element in 0..<100 { history.write(element, .ok) }
        history.read(Array(0..<100))
        #expect(Summary(history.check()).text == """
            100 total
            100 acknowledged
            100 survivors
            All 100 writes succeeded. :-D
            1.0 ack rate
            0.0 loss rate
            0.0 unacknowledged but successful rate
            0 lost
            0 unexpected
            0 duplicates
            0 indeterminate
            0 unresolved
            0 misresolved
            invariants hold

            """)
    }

    @Test("lost, unexpected, duplicates, misresolved and failed-but-present are named")
    func anomalies() {
        var history = HistoryBuilder()
        for element in 1...4 { history.write(element, .ok) }
        history.write(5, .fail)
        history.write(6, .info)
        history.write(7, .info)
        history.resolve(6, .committed)
        history.resolve(7, .aborted)
        history.read([1, 1, 5, 7, 99])
        let text = Summary(history.check()).text
        #expect(text == """
            7 total
            4 acknowledged
            4 survivors
            3 acknowledged writes lost! (╯°□°）╯︵ ┻━┻
            (2 3 4)
            2 unacknowledged writes found! ヽ(´ー`)ノ
            (5 7)
            0.571428571 ack rate
            0.75 loss rate
            0.5 unacknowledged but successful rate
            3 lost (2 3 4)
            1 unexpected (99)
            1 duplicates (1×2)
            2 indeterminate (6 7)
            0 unresolved
            2 misresolved (6 7)
            1 failed but present (a client classification bug) (5)
            invariants violated: 3 acknowledged writes were lost; 1 elements were read that were never written; \
            2 resolutions disagree with the final read; 1 writes the client called definitely failed are in the final read

            """)
    }

    @Test("no final read and an interrupted run are said plainly")
    func incomplete() {
        var history = HistoryBuilder()
        history.write(1, .ok)
        let summary = Summary(history.check(), complete: false)
        #expect(summary.articleLines == [
            "1 total", "1 acknowledged", "0 survivors", "1.0 ack rate", "n/a loss rate",
            "n/a unacknowledged but successful rate",
        ])
        #expect(summary.extraLines.prefix(2) == [
            "no final read: survivors, lost and found writes are unknown",
            "incomplete history: the run was interrupted",
        ])
        #expect(!summary.text.contains("succeeded"))
    }

    @Test("an empty history prints zeros and n/a, not a division by zero")
    func empty() {
        let lines = Summary(SetChecker.check([HistoryOperation]())).articleLines
        #expect(lines == [
            "0 total", "0 acknowledged", "0 survivors", "n/a ack rate", "n/a loss rate",
            "n/a unacknowledged but successful rate",
        ])
    }
}
