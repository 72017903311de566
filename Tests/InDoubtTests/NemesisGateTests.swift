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

    @Test("Two aligned faults due at the same count: a COMMIT that comes while the first goes in waits at the gate, and the second starts at a later COMMIT")
    func secondAlignedFaultWaitsForTheFirst() async throws {
        let target = SlowTarget()
        let history = try HistoryRecorder(file: nil)
        let nemesis = Nemesis(target: target, schedules: [
            FaultSchedule(.dropReplies, start: .afterAcknowledged(1, alignedToCommit: true), duration: nil),
            FaultSchedule(.dropRequests, start: .afterAcknowledged(1, alignedToCommit: true), duration: nil),
        ], history: history)
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
}
