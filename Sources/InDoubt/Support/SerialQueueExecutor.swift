import Dispatch

/// A task executor backed by one serial dispatch queue.
///
/// A workload client prefers this executor (`withTaskExecutorPreference`) and its
/// connection does its blocking libpq work on the same queue, so a query's send, wait and
/// resumption all run on one thread, one after another: no hand-off to another thread per
/// round trip, which on two cores costs as much as the round trip itself.
public final class SerialQueueExecutor: TaskExecutor, @unchecked Sendable {
    /// The queue that runs the jobs (and the connection's blocking work).
    public let queue: DispatchQueue

    /// Creates an executor with a new serial queue.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
