@testable import InDoubt
import Synchronization
import Testing

/// The nemesis's commit gate, without a server: a target that only records when its fault
/// commands ran.
@Suite("Nemesis: aligned faults go in one at a time")
struct NemesisGateTests {
    /// Records each fault command's start and end; each takes 50 ms, as a real one takes tens.
    final class SlowTarget: FaultTarget {
        let calls = Mutex<[(began: ContinuousClock.Instant, ended: ContinuousClock.Instant)]>([])
        var targetName: String { "fake" }
        var serverPort: Int { 5432 }
        var serverInterface: String { "eth0" }
        func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
            let began = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(50))
            calls.withLock { $0.append((began, .now)) }
            return Command.Output(status: 0, stdout: "", stderr: "", pid: 0)
        }
    }

    /// A nemesis of `schedules` on a fresh ``SlowTarget``, recording into memory.
    static func nemesis(_ schedules: [FaultSchedule]) throws -> (SlowTarget, Nemesis) {
        let target = SlowTarget()
        return (target, Nemesis(target: target, schedules: schedules, history: try HistoryRecorder(file: nil)))
    }

    @Test("Two aligned faults due at the same count: a COMMIT that comes while the first goes in waits at the gate, and the second starts at a later COMMIT")
    func secondAlignedFaultWaitsForTheFirst() async throws {
        let (target, nemesis) = try Self.nemesis([
            FaultSchedule(.dropReplies, start: .afterAcknowledged(1, alignedToCommit: true), duration: nil),
            FaultSchedule(.dropRequests, start: .afterAcknowledged(1, alignedToCommit: true), duration: nil),
        ])
        nemesis.acknowledged()
        async let first: Void = nemesis.beforeCommit()
        try await Task.sleep(for: .milliseconds(10))
        // Arrives while the first fault's command runs: it must wait, not start the second.
        await nemesis.beforeCommit()
        await first
        #expect(target.calls.withLock { $0.count } == 1, "the second fault went in alongside the first")
        #expect(!nemesis.appliedAll)
        await nemesis.beforeCommit()
        let calls = target.calls.withLock { $0 }
        #expect(calls.count == 2)
        if calls.count == 2 { #expect(calls[0].ended <= calls[1].began, "the faults' commands overlapped") }
        #expect(nemesis.appliedAll)
        await nemesis.healAll()
    }

    @Test("A fault that waits for a read since another starts only once a read invoked after that one took effect has returned")
    func faultWaitsForAReadSinceAnother() async throws {
        let (target, nemesis) = try Self.nemesis([
            FaultSchedule(.dropRequests, start: .afterAcknowledged(1, alignedToCommit: true), duration: nil),
            FaultSchedule(.dropReplies, start: .afterAcknowledged(2, alignedToCommit: true), duration: nil, afterReadSince: .dropRequests),
        ])
        let readBeforeTheFirst = ContinuousClock.now
        nemesis.acknowledged()
        await nemesis.beforeCommit()
        #expect(target.calls.withLock { $0.count } == 1)

        nemesis.acknowledged()
        nemesis.readReturned(invokedAt: readBeforeTheFirst)
        await nemesis.beforeCommit()
        #expect(target.calls.withLock { $0.count } == 1, "the second fault started after a read from before the first")
        #expect(!nemesis.appliedAll)

        nemesis.readReturned(invokedAt: .now)
        await nemesis.beforeCommit()
        #expect(target.calls.withLock { $0.count } == 2, "a read since the first fault did not start the second")
        #expect(nemesis.appliedAll)
        await nemesis.healAll()
    }

    @Test("A fault that waits for a read needs a reader: without one the run is refused, with a clear message")
    func faultThatWaitsForAReadNeedsAReader() throws {
        var configuration = ExperimentConfiguration(writes: 100, clients: 5)
        configuration.faults = [
            FaultSchedule(.replicationCut, start: .afterAcknowledged(10, alignedToCommit: true), duration: nil),
            FaultSchedule(.failover, start: .afterAcknowledged(50, alignedToCommit: true), duration: nil, afterReadSince: .replicationCut),
        ]
        #expect { try configuration.validate() } throws: { error in
            "\(error)".contains("waits for a read since replication-cut") && "\(error)".contains("--read-every")
        }
        configuration.readInterval = .milliseconds(20)
        try configuration.validate()
    }
}
