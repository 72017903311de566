/// Lets one task at a time through, and keeps the others waiting without a thread: a task
/// that would block a thread (on a machine-wide `flock`, say) passes the gate first, so that
/// at most one of the dispatch pool's threads per process ever waits on it.
public actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// An open gate.
    public init() {}

    /// Runs `body` once every task that came before it has left.
    public func pass<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        guard busy else {
            busy = true
            return
        }
        // Woken by `leave`, which hands the gate over without opening it.
        await withCheckedContinuation { waiters.append($0) }
    }

    private func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
