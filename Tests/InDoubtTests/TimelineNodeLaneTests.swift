import Foundation
import Testing
@testable import InDoubt

/// The timeline's lane per database node: built from the `nodes` the nemesis recorded, with
/// the primary's spans, each topology fault's window on the nodes it acted on, the
/// failover's marks, and the evidence in the hover; none for a run without topology faults.
@Suite("Timeline node lanes")
struct TimelineNodeLaneTests {
    static let cutEvidence = "n1 drops 10.0.0.3; n2 drops 10.0.0.2"
    static let failoverEvidence = "n1 fenced, n2 promoted in 0.1 seconds (replayed: n2 0/3000060)"

    /// A replicated run: a replication cut from 100 ms to the final heal at 900 ms, n1 paused
    /// from 200 to 300 ms, a failover invoked at 500 ms that promoted n2 at 600 ms, the final
    /// read from n2 at 950 ms.
    static var replicated: TimedHistory {
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 20, .ok)
        history.topologyFault("replication-cut", nodes: ["n1", "n2"], from: 100, evidence: cutEvidence)
        history.write(1, client: 1, from: 110, to: 150, .ok)
        history.topologyFault("pause-primary", nodes: ["n1"], node: "n1", from: 200, to: 300,
                              evidence: "SIGSTOP to n1's pids 11, 12", healEvidence: "SIGCONT to n1's pids 11, 12")
        history.topologyFault("failover", nodes: ["n1", "n2"], node: "n2", invoked: 500, from: 600, evidence: failoverEvidence)
        history.write(2, client: 0, from: 610, to: 700, .ok)
        history.heal("replication-cut", at: 900, nodes: ["n1", "n2"])
        history.heal("failover", at: 905)
        history.read([0, 2], client: 2, at: 950)
        return history
    }

    static func ms(_ milliseconds: Int64) -> Int64 { milliseconds * 1_000_000 }

    @Test("a cut, a pause and a failover: n1 primary until the fence, then fenced; n2 promoted, primary to the end; both cut")
    func windows() throws {
        let timeline = TimelineCollector.timeline(Self.replicated.operations)
        #expect(timeline.nodes.map(\.name) == ["n1", "n2"])
        let n1 = timeline.nodes[0], n2 = timeline.nodes[1]
        let end = timeline.endTime
        #expect(n1.windows.map(\.state) == [.primary, .cut, .paused, .fenced])
        #expect(n1.primarySpans == [TimelineNode.Window(state: .primary, start: 0, end: Self.ms(500), ended: true)])
        #expect(n1.windows[1] == TimelineNode.Window(state: .cut, fault: "replication-cut", start: Self.ms(100), end: Self.ms(900),
                                                     ended: true, evidence: Self.cutEvidence))
        #expect(n1.windows[2] == TimelineNode.Window(state: .paused, fault: "pause-primary", start: Self.ms(200), end: Self.ms(300),
                                                     ended: true, evidence: "SIGSTOP to n1's pids 11, 12; heal: SIGCONT to n1's pids 11, 12"))
        // The final heal also stops the failover; a fence is for good all the same.
        #expect(n1.windows[3] == TimelineNode.Window(state: .fenced, fault: "failover", start: Self.ms(500), end: end,
                                                     ended: false, evidence: Self.failoverEvidence))
        #expect(n1.markers == [TimelineNode.Marker(kind: .fenced, time: Self.ms(500), evidence: Self.failoverEvidence)])
        #expect(n2.windows.map(\.state) == [.cut, .primary])
        #expect(n2.primarySpans == [TimelineNode.Window(state: .primary, start: Self.ms(600), end: end, ended: false)])
        #expect(n2.markers == [TimelineNode.Marker(kind: .promoted, time: Self.ms(600), evidence: Self.failoverEvidence)])
        // The fault strip is unchanged: a band per fault, as before.
        #expect(timeline.faults.map(\.name) == ["replication-cut", "pause-primary", "failover"])
    }

    @Test("a client cut is a window on the primary alone: unreachable until the heal")
    func clientCut() {
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 20, .ok)
        history.topologyFault("client-cut", nodes: ["n1"], from: 100, to: 400, evidence: "n1 drops 10.0.0.1")
        history.read([0], client: 1, at: 500)
        let timeline = TimelineCollector.timeline(history.operations)
        #expect(timeline.nodes.map(\.name) == ["n1"])
        #expect(timeline.nodes.first?.windows.map(\.state) == [.primary, .unreachable])
        #expect(timeline.nodes.first?.windows.last.map { ($0.start, $0.end, $0.fault) } ?? (0, 0, nil) == (Self.ms(100), Self.ms(400), "client-cut"))
    }

    @Test("a killed primary is down from then on, whatever the final heal records; a failover with no fault before names the first primary")
    func killAndFailover() {
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 20, .ok)
        history.topologyFault("kill-primary", nodes: ["n1"], node: "n1", from: 100, evidence: "SIGKILL to n1's postmaster, pid 7")
        history.topologyFault("failover", nodes: ["n1", "n2"], node: "n2", invoked: 101, from: 200, evidence: "n1 fenced, n2 promoted")
        history.heal("kill-primary", at: 800)
        history.heal("failover", at: 801)
        history.read([0], client: 1, at: 900)
        let timeline = TimelineCollector.timeline(history.operations)
        let n1 = timeline.nodes[0]
        #expect(n1.windows.map(\.state) == [.primary, .down, .fenced])
        #expect(n1.windows[1].end == timeline.endTime && !n1.windows[1].ended)
        #expect(n1.primarySpans.map(\.end) == [Self.ms(101)])

        var failoverOnly = TimedHistory()
        failoverOnly.topologyFault("failover", nodes: ["n3", "n2"], node: "n2", invoked: 50, from: 80)
        let nodes = TimelineCollector.timeline(failoverOnly.operations).nodes
        #expect(nodes.map(\.name) == ["n2", "n3"])
        #expect(nodes[1].primarySpans == [TimelineNode.Window(state: .primary, start: 0, end: Self.ms(50), ended: true)])
        #expect(nodes[0].primarySpans.map(\.start) == [Self.ms(80)])
    }

    @Test("nodes sort naturally, a cut with two standbys reaches all three, and a cycling cut gives a window per cycle")
    func order() {
        #expect(["n10", "n2", "n1"].sorted(by: TimelineNode.precedes) == ["n1", "n2", "n10"])
        var history = TimedHistory()
        history.topologyFault("replication-cut", nodes: ["n1", "n2", "n3"], from: 10, to: 20)
        history.topologyFault("replication-cut", nodes: ["n1", "n2", "n3"], from: 40, to: 50)
        let timeline = TimelineCollector.timeline(history.operations)
        #expect(timeline.nodes.map(\.name) == ["n1", "n2", "n3"])
        #expect(timeline.nodes.allSatisfy { $0.windows.filter { $0.state == .cut }.map(\.start) == [Self.ms(10), Self.ms(40)] })
        #expect(timeline.nodes[0].primarySpans.count == 1 && timeline.nodes[1].primarySpans.isEmpty)
    }

    @Test("no topology fault, or a history without nodes: no node lane, and the page has no node hook")
    func none() {
        #expect(TimelineCollector.timeline(TimedHistory.threeClients.operations).nodes.isEmpty)
        let html = TimelineTests.page(TimedHistory.threeClients)
        #expect(!html.contains("node-"))
        var older = TimedHistory()
        older.write(0, client: 0, from: 0, to: 10, .ok)
        older.fault("replication-cut", from: 20)
        older.fault("failover", from: 40)
        #expect(TimelineCollector.timeline(older.operations).nodes.isEmpty)
        #expect(!TimelineTests.page(older).contains("node-lane"))
    }

    @Test("the SVG: a node-lane group per node, primary spans, a window element per node and fault, the failover's markers, evidence in the titles")
    func svg() throws {
        let html = TimelineTests.page(Self.replicated)
        let count = { (needle: String) in TimelineTests.count(needle, in: html) }
        #expect(count("<g class=\"node-lane\" ") == 2)
        #expect(html.contains("<g class=\"node-lane\" id=\"node-n1\" data-node=\"n1\">"))
        #expect(html.contains("<g class=\"node-lane\" id=\"node-n2\" data-node=\"n2\">"))
        #expect(count("<rect class=\"node-primary\"") == 2)
        #expect(count("<g class=\"node-window cut\" data-state=\"cut\" data-fault=\"replication-cut\">") == 2)
        #expect(count("<g class=\"node-window paused\" data-state=\"paused\" data-fault=\"pause-primary\">") == 1)
        #expect(count("<g class=\"node-window fenced\" data-state=\"fenced\" data-fault=\"failover\">") == 1)
        #expect(count("<g class=\"node-marker promoted\" data-node=\"n2\">") == 1)
        #expect(count("<g class=\"node-marker fenced\" data-node=\"n1\">") == 1)
        #expect(html.contains("<title>n1 cut (replication-cut): 0.100 s → 0.900 s (0.800 s) · evidence: \(Self.cutEvidence)</title>"))
        #expect(html.contains("<title>n1 paused (pause-primary): 0.200 s → 0.300 s (0.100 s) · evidence: SIGSTOP to n1&#39;s pids 11, 12; "
            + "heal: SIGCONT to n1&#39;s pids 11, 12</title>"))
        #expect(html.contains("<title>n2 promoted by the failover at 0.600 s · evidence: \(Self.failoverEvidence)</title>"))
        #expect(html.contains("<title>n1 primary: 0.000 s → 0.500 s, until the failover fenced it</title>"))
        // The node lanes come before the client lanes, inside the one timeline SVG.
        let svg = try #require(html.range(of: "<svg id=\"timeline\"").map { String(html[$0.lowerBound...]) })
        let nodeLane = try #require(svg.range(of: "class=\"node-lane\""))
        let clientLane = try #require(svg.range(of: "class=\"lane\""))
        #expect(nodeLane.lowerBound < clientLane.lowerBound)
        #expect(html.contains("id=\"node-lanes-hint\""))
    }
}
