import Foundation
import Synchronization
import Testing
@testable import InDoubt

/// The nemesis records, on a topology fault's `start-fault :ok` and `stop-fault :ok`, the
/// nodes its target says it acted on, and the timeline draws a lane per node from them:
/// no root, no server (a target that only says what it would have done).
@Suite("The nemesis records the nodes a topology fault acted on")
struct NemesisNodesTests {
    @Test("a replication cut and a failover: nodes on start and heal, and node lanes n1 and n2 in the timeline")
    func cutThenFailover() async throws {
        let history = try HistoryRecorder(file: nil)
        let nemesis = Nemesis(target: FakeTopology(), schedules: [
            FaultSchedule(.replicationCut, start: .immediately, duration: nil),
            FaultSchedule(.failover, start: .afterFault(.replicationCut, delay: .milliseconds(20)), duration: nil),
        ], history: history)
        let began = ContinuousClock.now
        await nemesis.run(until: { nemesis.appliedAll || began.duration(to: .now) > .seconds(20) })
        await nemesis.healAll()
        #expect(nemesis.errors.isEmpty)

        let ok = history.operations.filter { $0.process == .nemesis && $0.type == .ok }
        let cut = try #require(ok.first { $0.f == .startFault && $0.fault == "replication-cut" })
        let failover = try #require(ok.first { $0.f == .startFault && $0.fault == "failover" })
        let healed = try #require(ok.first { $0.f == .stopFault && $0.fault == "replication-cut" })
        #expect(cut.nodes == ["n1", "n2"])
        #expect(failover.nodes == ["n1", "n2"] && failover.node == "n2")
        #expect(healed.nodes == ["n1", "n2"])
        #expect(history.operations.filter { $0.type == .invoke }.allSatisfy { $0.nodes == nil }, "an invocation knows no effect yet")

        let timeline = TimelineCollector.timeline(history.operations)
        #expect(timeline.nodes.map(\.name) == ["n1", "n2"])
        #expect(timeline.nodes[0].primarySpans.map(\.end) == [history.operations.first { $0.fault == "failover" }!.time])
        #expect(timeline.nodes[1].markers.map(\.kind) == [.promoted])
    }

    @Test("a fault on a single server records no nodes")
    func singleServer() async throws {
        let history = try HistoryRecorder(file: nil)
        let nemesis = Nemesis(target: RecordingTarget(), schedules: [
            FaultSchedule(.partition, start: .immediately, duration: .milliseconds(10)),
        ], history: history)
        let began = ContinuousClock.now
        await nemesis.run(until: { history.operations.contains { $0.f == .stopFault } || began.duration(to: .now) > .seconds(20) })
        await nemesis.healAll()
        #expect(history.operations.filter { $0.process == .nemesis }.count == 4)
        #expect(history.operations.allSatisfy { $0.nodes == nil })
        #expect(TimelineCollector.timeline(history.operations).nodes.isEmpty)
    }
}

/// A primary n1 and a standby n2 that only say what a cut and a failover would have done.
final class FakeTopology: TopologyTarget, Sendable {
    private let primary = Mutex("n1")
    var targetName: String { primary.withLock { $0 } }
    var primaryName: String { targetName }
    func waitUntilStandbysReplayed(deadline: Deadline) async throws {}
    var serverPort: Int { 5432 }
    var serverInterface: String { "eth0" }

    func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        Command.Output(status: 0, stdout: "", stderr: "", pid: 0)
    }

    func applyTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        switch kind {
        case .failover:
            primary.withLock { $0 = "n2" }
            return TopologyFaultEffect(evidence: "n1 fenced, n2 promoted", node: "n2", promotionTime: .milliseconds(100), nodes: ["n1", "n2"])
        default:
            return TopologyFaultEffect(evidence: "n1 drops n2; n2 drops n1", nodes: ["n1", "n2"])
        }
    }

    func healTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        kind == .replicationCut ? TopologyFaultEffect(nodes: ["n1", "n2"]) : TopologyFaultEffect()
    }
}
