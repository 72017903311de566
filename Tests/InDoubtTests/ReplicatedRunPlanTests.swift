import Foundation
@testable import InDoubt
import Synchronization
import Testing

/// `indoubt run --standbys`'s schedule builder, the cycling schedule and the failover report,
/// without root: the plan's defaults are claim R1's, bad combinations name their fix, a cycle
/// is a start/stop pair each period, and the report comes from the history alone.
@Suite("Replicated run plans, cycles and the failover report")
struct ReplicatedRunPlanTests {
    @Test("--standbys 1 alone plans R1: async, the cut after an eighth of the writes at a COMMIT, the failover after half")
    func defaultsAreR1() throws {
        let plan = try ReplicatedRunPlan(standbys: 1, mode: .async, fault: .replicationCut, failover: nil, writes: 400,
                                         start: nil, duration: nil, cycle: nil)
        #expect(plan.replication == Replication(standbys: 1, mode: .async))
        #expect(plan.faults == [
            FaultSchedule(.replicationCut, start: .afterAcknowledged(50, alignedToCommit: true), duration: nil),
            FaultSchedule(.failover, start: .afterAcknowledged(200, alignedToCommit: true), duration: nil),
        ])
    }

    @Test("Faults that stop acknowledgements time the failover after the fault: at once after a kill, 1 s after the others")
    func failoverAfterTheFault() throws {
        let sync = try ReplicatedRunPlan(standbys: 2, mode: try ReplicatedRunPlan.mode(named: "sync"), fault: .replicationCut,
                                         failover: nil, writes: 1000, start: nil, duration: nil, cycle: nil)
        #expect(sync.replication.mode == .sync(.on) && sync.replication.standbys == 2)
        #expect(sync.faults.last?.start == .afterFault(.replicationCut, delay: .seconds(1)))
        let kill = try ReplicatedRunPlan(standbys: 1, mode: .async, fault: .killPrimary, failover: nil, writes: 1000,
                                         start: nil, duration: nil, cycle: nil)
        #expect(kill.faults.map(\.kind) == [.killPrimary, .failover])
        #expect(kill.faults.last?.start == .afterFault(.killPrimary, delay: .zero))
        let pause = try ReplicatedRunPlan(standbys: 1, mode: .async, fault: .pausePrimary, failover: false, writes: 1000,
                                          start: nil, duration: nil, cycle: nil)
        #expect(pause.faults == [FaultSchedule(.pausePrimary, start: .afterAcknowledged(125, alignedToCommit: true), duration: .seconds(2))])
    }

    @Test("Combinations that cannot run are refused with the option to change", arguments: [
        (Fault.Kind.killPrimary, false, nil as Duration?, nil as Duration?, 1, "drop --no-failover"),
        (.killPrimary, true, .seconds(2), nil, 1, "drop --fault-for"),
        (.pausePrimary, true, .seconds(1), .seconds(3), 1, "add --no-failover"),
        (.partition, true, nil, nil, 1, "choose one of replication-cut, isolate-primary, client-cut, kill-primary, pause-primary or none"),
        (.replicationCut, true, nil, nil, 0, "--standbys must be at least 1, not 0"),
    ])
    func refused(fault: Fault.Kind, failover: Bool, duration: Duration?, cycle: Duration?, standbys: Int, message: String) {
        #expect {
            _ = try ReplicatedRunPlan(standbys: standbys, mode: .async, fault: fault, failover: failover, writes: 100,
                                      start: nil, duration: duration, cycle: cycle)
        } throws: { error in
            (error as? RunPlanError)?.description.contains(message) == true
        }
    }

    @Test("--replication names: async, sync, remote-apply; anything else lists them")
    func modes() throws {
        #expect(try ReplicatedRunPlan.mode(named: "remote-apply") == .sync(.remoteApply))
        #expect(throws: RunPlanError("unknown replication 'quorum'; choose one of: async, sync, remote-apply")) {
            _ = try ReplicatedRunPlan.mode(named: "quorum")
        }
    }

    @Test("A cycle needs a fault that heals and a duration shorter than the cycle")
    func cycleProblems() {
        #expect(FaultSchedule(.partition, start: .immediately, duration: .seconds(1), cycle: .seconds(5)).problem == nil)
        #expect(FaultSchedule(.partition, start: .immediately, duration: .seconds(5), cycle: .seconds(5)).problem?.contains("must be longer") == true)
        #expect(FaultSchedule(.partition, start: .immediately, duration: nil, cycle: .seconds(5)).problem?.contains("needs a duration") == true)
        #expect(FaultSchedule(.killPrimary, start: .immediately, duration: .seconds(1), cycle: .seconds(5)).problem?.contains("cannot be healed") == true)
    }

    @Test("A cycling fault is applied and healed once per cycle, each a start-fault/stop-fault pair, and healed at the end")
    func cyclesInTheHistory() async throws {
        let target = RecordingTarget()
        let history = try HistoryRecorder(file: nil)
        let nemesis = Nemesis(target: target, schedules: [
            FaultSchedule(.partition, start: .immediately, duration: .milliseconds(40), cycle: .milliseconds(150)),
        ], history: history)
        // Until three cycles were healed (or 20 s, under a loaded machine): counted from
        // the history rather than a clock, so that a late-scheduled task cannot miss them.
        let began = ContinuousClock.now
        await nemesis.run(until: {
            history.operations.filter { $0.f == .stopFault && $0.type == .ok }.count >= 3 || began.duration(to: .now) > .seconds(20)
        })
        await nemesis.healAll()
        let ok = history.operations.filter { $0.type == .ok }
        let starts = ok.filter { $0.f == .startFault }
        #expect(starts.count == 3, "\(history.operations.map { "\($0.f) \($0.type) \($0.error ?? "")" })")
        #expect(ok.map(\.f) == Array(repeating: [HistoryOperation.Function.startFault, .stopFault], count: starts.count).flatMap { $0 })
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later.time - earlier.time >= 140_000_000, "cycles keep their period: \(later.time - earlier.time) ns apart")
        }
        let count = starts.count
        #expect(target.restores.filter { $0.contains("-A INPUT") }.count == count)
        #expect(target.restores.filter { $0.contains("-D INPUT") }.count == count)
    }

    @Test("The final read's node and the failover's times come from the history, as indoubt check reads it")
    func failoverReport() {
        var analysis = Analysis(timeline: false)
        let ops = [
            HistoryOperation(index: 0, time: 0, process: .nemesis, type: .invoke, f: .startFault, fault: "replication-cut"),
            HistoryOperation(index: 1, time: 10, process: .nemesis, type: .ok, f: .startFault, fault: "replication-cut"),
            HistoryOperation(index: 2, time: 1_000_000_000, process: .nemesis, type: .invoke, f: .startFault, fault: "failover"),
            HistoryOperation(index: 3, time: 1_250_000_000, process: .nemesis, type: .ok, f: .startFault, fault: "failover",
                             node: "n2", promotion: 100_000_000),
            HistoryOperation(index: 4, time: 1_200_000_000, process: .client(0), type: .invoke, f: .add, value: 1),
            HistoryOperation(index: 5, time: 1_300_000_000, process: .client(0), type: .ok, f: .add, value: 1),
            HistoryOperation(index: 6, time: 1_400_000_000, process: .client(1), type: .invoke, f: .read),
            HistoryOperation(index: 7, time: 1_500_000_000, process: .client(1), type: .ok, f: .read, values: [1], node: "n2"),
        ]
        ops.forEach { analysis.consume($0) }
        let conclusion = analysis.conclude(run: RunInfo(postgresVersion: "18", backend: "netns", fault: "replication-cut+failover",
                                                        strategy: "naive", clients: 2, durationSeconds: 1.5), complete: true)
        #expect(conclusion.results.finalReadNode == "n2")
        #expect(conclusion.results.promotedNode == "n2")
        #expect(conclusion.results.promotionS == 0.1)
        #expect(conclusion.results.failoverS == 0.25)
        #expect(abs((conclusion.results.firstAckAfterFailoverS ?? 0) - 0.05) < 1e-9)
        #expect(conclusion.summary.lines.contains("final read from n2"))
        #expect(conclusion.summary.lines.contains("failover: n2 promoted in 0.100 s, 0.250 s from the fence; first acknowledged write 0.050 s after"))
    }

    @Test("A run without a topology fault names no node in its summary")
    func singleServerSummary() {
        var analysis = Analysis(timeline: false)
        analysis.consume(HistoryOperation(index: 0, time: 1, process: .client(1), type: .ok, f: .read, values: [], node: "n1"))
        let conclusion = analysis.conclude(run: RunInfo(postgresVersion: "18", backend: "netns", fault: "none", strategy: "naive",
                                                        clients: 1, durationSeconds: 1), complete: true)
        #expect(conclusion.results.finalReadNode == "n1")
        #expect(!conclusion.summary.text.contains("final read from"))
    }
}

/// A fault target that records the iptables transactions it is asked to run.
final class RecordingTarget: FaultTarget, Sendable {
    private let recorded = Mutex<[String]>([])
    var restores: [String] { recorded.withLock { $0 } }
    var targetName: String { "recorder" }
    var serverPort: Int { 5432 }
    var serverInterface: String { "eth0" }
    func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        recorded.withLock { $0.append(invocation.input ?? invocation.arguments.joined(separator: " ")) }
        return Command.Output(status: 0, stdout: "", stderr: "", pid: 0)
    }
}
