import Foundation
import Testing
@testable import InDoubt

@Suite("Timeline page")
struct TimelineTests {
    static let run = RunInfo(
        postgresVersion: "15.8", backend: "netns", fault: "partition", strategy: "naive", clients: 3,
        durationSeconds: 1.23)

    static func page(_ history: TimedHistory, complete: Bool = true, options: TimelineOptions = TimelineOptions()) -> String {
        let result = SetChecker.check(history.operations)
        let results = RunResults(result: result, run: run, complete: complete)
        return TimelineReport.html(operations: history.operations, result: result, results: results, options: options)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("the collector pairs writes, opens and closes the fault, and finds the final read")
    func collector() {
        let timeline = TimelineCollector.timeline(TimedHistory.threeClients.operations)
        #expect(timeline.writes.count == 12)
        #expect(timeline.clients == [0, 1, 2])
        #expect(timeline.faults == [TimelineFault(name: "partition", start: 90_000_000, end: 1_150_000_000, healed: true)])
        #expect(timeline.finalReadTime == 1_300_000_000)
        let six = timeline.writes.first { $0.element == 6 }
        #expect(six?.outcome == .info)
        #expect(six?.latency == 1_000_000_000)
        #expect(six?.error == TimedHistory.errorText)
        #expect(timeline.writes.count { $0.outcome == .ok } == 8)
    }

    @Test("three clients, a fault, a survivor and a lost write: lanes, bars, band, highlights")
    func page() {
        let html = Self.page(TimedHistory.threeClients)
        #expect(Self.count("class=\"lane\"", in: html) == 3)
        for client in 0..<3 { #expect(html.contains("id=\"lane-\(client)\"")) }
        #expect(!html.contains("id=\"lane-3\""), "the reader is not a writing client")
        #expect(Self.count("<rect class=\"bar ", in: html) == 12)
        #expect(Self.count("<rect class=\"bar ok", in: html) == 8)
        #expect(Self.count("<rect class=\"bar info", in: html) == 3)
        #expect(Self.count("<rect class=\"bar fail", in: html) == 1)
        #expect(Self.count("class=\"fault-band\"", in: html) == 1)
        #expect(html.contains("<g class=\"fault-band\" id=\"fault-0\" data-fault=\"partition\">"))
        #expect(html.contains("class=\"fault-label\"") && html.contains(">partition</text>"))
        #expect(Self.count("class=\"fault-shade\"", in: html) == 1)
        #expect(Self.count("class=\"plot-fault-band\"", in: html) == 1)
        // The survivor (6) and the lost write (5) are highlighted, in both plots.
        #expect(html.contains("<rect class=\"bar info unack\" id=\"bar-"))
        #expect(html.contains("<g class=\"marker unack\" data-element=\"6\">"))
        #expect(html.contains("<rect class=\"bar ok lost\" id=\"bar-"))
        #expect(html.contains("<g class=\"marker lost\" data-element=\"5\">"))
        #expect(Self.count("class=\"marker ", in: html) == 2)
        #expect(html.contains("<circle class=\"point info unack\" data-element=\"6\""))
        #expect(html.contains("<circle class=\"point ok lost\" data-element=\"5\""))
        #expect(Self.count("<circle class=\"point ", in: html) == 12)
        #expect(html.contains("class=\"final-read\""))
    }

    @Test("the hover tells element, latency, outcome and error")
    func hover() {
        let html = Self.page(TimedHistory.threeClients)
        #expect(html.contains("<title>element 6 · client 0 · info (indeterminate) · latency 1000 ms · 0.100 s → 1.100 s · "
            + "UNACKNOWLEDGED SURVIVOR: in the final read · error: timeout: &lt;COMMIT&gt; sent, &quot;no reply&quot; &amp; gone</title>"))
        #expect(html.contains("<title>element 5 · client 2 · ok (acknowledged) · latency 60.0 ms"))
        #expect(html.contains("error: connection refused</title>"))
    }

    @Test("all text is escaped and the page fetches nothing")
    func selfContained() {
        var history = TimedHistory.threeClients
        history.fault("<b>evil</b> \"fault\"", from: 1250, to: 1260)
        let html = Self.page(history)
        #expect(!html.contains("<COMMIT>"))
        #expect(!html.contains("<b>evil"))
        #expect(html.contains("data-fault=\"&lt;b&gt;evil&lt;/b&gt; &quot;fault&quot;\""))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("@import") && !html.contains("url("))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test("the summary table names the elements")
    func summaryTable() {
        let html = Self.page(TimedHistory.threeClients)
        #expect(html.contains("<tr class=\"metric bad\" data-metric=\"lost\"><th>lost (acknowledged, not read)</th><td class=\"value\">1</td><td class=\"elements\">(5)</td></tr>"))
        #expect(html.contains("data-metric=\"unacknowledged_found\"><th>unacknowledged writes found</th><td class=\"value\">1</td><td class=\"elements\">(6)</td>"))
        #expect(html.contains("data-metric=\"indeterminate\"><th>indeterminate</th><td class=\"value\">3</td><td class=\"elements\">(6 7 8)</td>"))
        #expect(html.contains("data-metric=\"ack_rate\"><th>ack rate</th><td class=\"value\">0.666666667</td>"))
        #expect(html.contains("<p id=\"verdict\" class=\"verdict fail\">Invariants violated: 1 acknowledged writes were lost.</p>"))
        #expect(html.contains("PostgreSQL 15.8 · backend netns"))
    }

    @Test("several faults get a band each; overlapping ones get their own row; an unhealed one runs to the end")
    func faults() {
        var history = TimedHistory()
        history.fault("slow", from: 1)
        history.write(0, client: 0, from: 5, to: 10, .ok)
        history.fault("partition", from: 20, to: 40)
        history.fault("partition", from: 60, to: 80)
        history.write(1, client: 0, from: 10, to: 100, .info)
        let timeline = TimelineCollector.timeline(history.operations)
        #expect(timeline.faults.map(\.name) == ["slow", "partition", "partition"])
        #expect(timeline.faults[0] == TimelineFault(name: "slow", start: 1_000_000, end: 100_000_000, healed: false))
        #expect(TimelineGeometry.faultRows(timeline.faults) == [0, 1, 1])
        let html = Self.page(history)
        #expect(Self.count("class=\"fault-band\"", in: html) == 3)
        #expect(Self.count("data-fault=\"partition\"", in: html) == 6)  // 2 bands, 2 shades, 2 plot bands
        #expect(html.contains(">slow (never healed)</text>"))
    }

    @Test("a truncated run: an open write runs to the end and the page says the history is incomplete")
    func truncated() {
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 10, .ok)
        history.invoke(1, client: 0, at: 12)
        history.write(2, client: 1, from: 0, to: 30, .ok)
        let timeline = TimelineCollector.timeline(history.operations)
        #expect(timeline.writes.last == TimelineWrite(
            client: 0, element: 1, start: 12_000_000, end: 30_000_000, outcome: .open,
            error: "no completion recorded: the history ends first"))
        let html = Self.page(history, complete: false)
        #expect(Self.count("<rect class=\"bar open", in: html) == 1)
        #expect(html.contains("<p class=\"note\" id=\"incomplete\">Incomplete history"))
        #expect(html.contains("Invariants violated: there is no final read."))
    }

    @Test("100,000 writes are capped and aggregated, and the page says so")
    func huge() {
        var operations: [HistoryOperation] = []
        operations.reserveCapacity(200_002)
        let clients = 5
        for element in 0..<100_000 {
            let client = element % clients
            let start = Int64(element / clients) * 1_000_000
            let outcome: HistoryOperation.Kind = element % 1000 == 7 ? .info : .ok
            operations.append(HistoryOperation(index: operations.count, time: start, process: .client(client),
                                               type: .invoke, f: .add, value: element))
            operations.append(HistoryOperation(index: operations.count, time: start + 900_000, process: .client(client),
                                               type: outcome, f: .add, value: element, error: outcome == .ok ? nil : "timeout"))
        }
        let result = SetChecker.check(operations)
        let results = RunResults(result: result, run: Self.run)
        let options = TimelineOptions(maxDetailedWrites: 2_000, aggregateBins: 200)
        let html = TimelineReport.html(operations: operations, result: result, results: results, options: options)
        #expect(Self.count("<rect class=\"bar ", in: html) == 100, "only the indeterminate writes are drawn one by one")
        #expect(Self.count("<rect class=\"bar info", in: html) == 100)
        #expect(Self.count("class=\"lane\"", in: html) == clients)
        #expect(Self.count("<rect class=\"bin\"", in: html) == clients * 200)
        #expect(Self.count("class=\"latency-range\"", in: html) == 200)
        #expect(html.contains("id=\"aggregation-note\">This run has 100000 write attempts: the page draws 100 of them one by one"))
        #expect(html.contains("aggregates the other 99900 into 200 time bins per lane"))
        #expect(html.utf8.count < 2_000_000, "the page is \(html.utf8.count) bytes")

        // The cap holds when the telling writes alone exceed it.
        let capped = TimelineReport.html(
            operations: operations, result: result, results: results, options: TimelineOptions(maxDetailedWrites: 30))
        #expect(Self.count("<rect class=\"bar ", in: capped) == 30)
    }

    @Test("TimelineReport streams a history file and writes timeline.html")
    func writesFromFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let history = TimedHistory.threeClients
        let file = try folder.write(try history.jsonLines(), to: "history.jsonl")
        let result = SetChecker.check(history.operations)
        let written = try TimelineReport.write(
            historyFile: file, result: result, results: RunResults(result: result, run: Self.run), to: folder.url)
        #expect(written.lastPathComponent == "timeline.html")
        let html = try String(contentsOf: written, encoding: .utf8)
        #expect(html == Self.page(history))
    }

    @Test("formatting: escapes, coordinates, times and round ticks")
    func formatting() {
        #expect(TimelineFormat.escape(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(TimelineFormat.coordinate(12) == "12")
        #expect(TimelineFormat.coordinate(12.345) == "12.3")
        #expect(TimelineFormat.seconds(1_234_567_890) == "1.235 s")
        #expect(TimelineFormat.milliseconds(3_210_000) == "3.2 ms")
        #expect(TimelineFormat.milliseconds(1_000_400_000) == "1000 ms")
        #expect(TimelineFormat.decimals(0.05, 3) == "0.050")
        #expect(TimelineFormat.ticks(upTo: 5.3, count: 10) == [0, 1, 2, 3, 4, 5])
        #expect(TimelineFormat.ticks(upTo: 1080, count: 5) == [0, 500, 1000])
        #expect(TimelineFormat.tick(0.5) == "0.5")
        #expect(TimelineFormat.tick(250) == "250")
    }

    @Test("an acknowledgement's warning and a failed fault's error reach the timeline")
    func warningsAndFailedFaults() {
        let timeline = TimelineCollector.timeline([
            HistoryOperation(index: 0, time: 1, process: .client(0), type: .invoke, f: .add, value: 1),
            HistoryOperation(index: 1, time: 2, process: .client(0), type: .ok, f: .add, value: 1,
                             warning: "WARNING 25P01", attempt: 2),
            HistoryOperation(index: 2, time: 3, process: .nemesis, type: .fail, f: .startFault,
                             error: "tc: busy", fault: "slow"),
        ])
        let write = timeline.writes[0]
        #expect(write.warning == "WARNING 25P01")
        #expect(write.error == nil)
        #expect(TimelineSelection.hover(write, highlight: nil, resolution: nil).hasSuffix("warning: WARNING 25P01"))
        #expect(timeline.failedFaults == ["slow: tc: busy"])
    }
}

@Suite("Timeline page with hostile input")
struct TimelineHostileInputTests {
    @Test("absurd times and durations from a file draw a page instead of trapping")
    func absurdTimes() {
        var operations = [
            HistoryOperation(index: 0, time: .min, process: .client(0), type: .invoke, f: .add, value: 1),
            HistoryOperation(index: 1, time: .max, process: .client(0), type: .info, f: .add, value: 1, error: "x"),
            HistoryOperation(index: 2, time: -5, process: .nemesis, type: .ok, f: .startFault, fault: "partition"),
            HistoryOperation(index: 3, time: -1, process: .client(1), type: .invoke, f: .add, value: 2),
            HistoryOperation(index: 4, time: -2, process: .client(1), type: .ok, f: .add, value: 2),
        ]
        operations.append(HistoryOperation(index: 5, time: 0, process: .client(2), type: .ok, f: .read, values: [1, 2]))
        let timeline = TimelineCollector.timeline(operations)
        #expect(timeline.writes.first?.latency == .max)
        #expect(timeline.writes.last?.latency == 0)
        let result = SetChecker.check(operations)
        let run = RunInfo(postgresVersion: "x", backend: "x", fault: "x", strategy: "x", clients: 2, durationSeconds: 1e300)
        let options = TimelineOptions(maxDetailedWrites: 1)
        let html = TimelineReport.html(operations: operations, result: result, results: RunResults(result: result, run: run), options: options)
        #expect(html.components(separatedBy: "class=\"lane\"").count - 1 == 2)
        #expect(html.contains("class=\"fault-band\""))
    }
}
