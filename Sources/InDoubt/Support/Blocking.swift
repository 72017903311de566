import Dispatch

/// Runs blocking work (file locks, child processes, waits) on a dispatch queue, so that it
/// never holds one of Swift's few cooperative threads: on a 2-core machine, two blocked
/// threads stall every task, including clients that are timing their writes.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
