import Synchronization
import Testing
@testable import InDoubt

/// The gate before the machine-wide lock: one task inside at a time, and every task through;
/// a wider gate (a claim plan's) lets no more than its capacity in.
@Suite("AsyncGate")
struct AsyncGateTests {
    /// Who is inside, the most ever inside at once, and who passed.
    final class Tally: Sendable {
        private let state = Mutex((inside: 0, most: 0, passed: [Int]()))
        func enter() { state.withLock { $0.inside += 1; $0.most = max($0.most, $0.inside) } }
        func leave(_ index: Int) { state.withLock { $0.inside -= 1; $0.passed.append(index) } }
        var most: Int { state.withLock { $0.most } }
        var passed: [Int] { state.withLock { $0.passed } }
    }

    /// Sends `tasks` tasks through `gate`, each inside for `stay`.
    static func pass(_ tasks: Int, through gate: AsyncGate, staying stay: Duration) async throws -> Tally {
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<tasks {
                group.addTask {
                    try await gate.pass {
                        tally.enter()
                        try await Task.sleep(for: stay)
                        tally.leave(index)
                    }
                }
            }
            try await group.waitForAll()
        }
        return tally
    }

    @Test("200 tasks pass one at a time, each exactly once")
    func oneAtATime() async throws {
        let tally = try await Self.pass(200, through: AsyncGate(), staying: .microseconds(200))
        #expect(tally.most == 1)
        #expect(tally.passed.sorted() == Array(0..<200))
    }

    @Test("a gate of 3: 60 tasks, never more than 3 inside, at times 3, each through once")
    func threeAtATime() async throws {
        let tally = try await Self.pass(60, through: AsyncGate(admitting: 3), staying: .milliseconds(5))
        #expect(tally.most == 3)
        #expect(tally.passed.sorted() == Array(0..<60))
    }

    @Test("a body that throws leaves the gate open for the next")
    func throwingBodyLeaves() async throws {
        struct Refused: Error {}
        let gate = AsyncGate()
        await #expect(throws: Refused.self) { try await gate.pass { throw Refused() } }
        #expect(await gate.pass { 7 } == 7)
    }
}
