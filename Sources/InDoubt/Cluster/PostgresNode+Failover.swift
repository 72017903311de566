import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a failover does to single nodes: kill, fence, promote, and where a standby stands.
extension PostgresNode {
    /// SIGKILL of the postmaster only, as a crash would: returns once the postmaster is
    /// gone. Its children notice on their own and exit shortly after (a paused one only
    /// when resumed); ``stop(_:within:)`` and the cluster's teardown remove any still there.
    public func kill() async {
        guard let pid = serverPID else { return }
        Glibc.kill(pid, SIGKILL)
        while serverPID != nil { try? await Task.sleep(for: .milliseconds(2)) }
    }

    /// Whether ``fence()`` has been called: the node stays stopped for good.
    public var isFenced: Bool { isFencedState.withLock { $0 } }

    /// Stops the node at once (immediate shutdown, after resuming it if paused) and keeps
    /// it stopped: ``start(readyWithin:)`` refuses from now on, so a fenced old primary
    /// never takes a write again.
    public func fence() async {
        isFencedState.withLock { $0 = true }
        await stop(.immediate)
    }

    /// Promotes a standby (`pg_promote`, waiting until it accepts writes).
    /// - Returns: how long the promotion took.
    @discardableResult
    public func promote(within timeout: Duration = .seconds(30)) async throws -> Duration {
        try await Promotion.promote(connectionOptions(applicationName: "indoubt-promote"), name: name, within: timeout)
    }

    /// How far a standby has replayed the WAL (`pg_last_wal_replay_lsn()`); `nil` on a
    /// primary, which replays nothing.
    public func replayPosition(deadline: Deadline = .after(.seconds(2))) async throws -> LogSequenceNumber? {
        try await Promotion.replayPosition(connectionOptions(applicationName: "indoubt-position"), deadline: deadline)
    }
}
