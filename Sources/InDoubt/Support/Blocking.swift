import Dispatch

/// Runs blocking work (file locks, child processes, waits) on a dispatch queue, so that it
/// never holds one of Swift's few cooperative threads: on a 2-core machine, two blocked
/// threads stall every task, including clients that are timing their writes.
enum Blocking {
    /// A queue of our own for blocking work. `DispatchQueue.global()` runs at most one
    /// thread per core, so two blocked calls there stall everything else queued on it.
    static let queue = DispatchQueue(label: "indoubt.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
