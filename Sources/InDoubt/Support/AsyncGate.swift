/// Lets a few tasks at a time through (one, by default), and keeps the others waiting, in
/// the order they came, without a thread: a task that would block a thread (on a
/// machine-wide `flock`, say) passes a gate of one first, so that at most one of the
/// dispatch pool's threads per process ever waits on it.
public actor AsyncGate {
    /// How many tasks may be inside at once.
    public let capacity: Int
    private var inside = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// An open gate that lets `capacity` tasks (at least one) through at once.
    public init(admitting capacity: Int = 1) {
        self.capacity = max(1, capacity)
    }

    /// Runs `body` once a place inside is free and every task that came before it has
    /// entered.
    public func pass<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        guard inside >= capacity else {
            inside += 1
            return
        }
        // Woken by `leave`, which hands its place over instead of freeing it.
        await withCheckedContinuation { waiters.append($0) }
    }

    private func leave() {
        if waiters.isEmpty {
            inside -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
