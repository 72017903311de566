/// The SQL half of a failover, for a standby reached with any ``ConnectionOptions`` (a
/// namespace node, a container's published port).
enum Promotion {
    /// Promotes the standby `name` (`pg_promote`, waiting until it accepts writes).
    /// - Returns: how long the promotion took.
    static func promote(_ options: ConnectionOptions, name: String, within timeout: Duration) async throws -> Duration {
        let connection = try await PostgresConnection.connect(options, deadline: .after(.seconds(5)))
        defer { connection.close() }
        let began = ContinuousClock.now
        let seconds = max(1, Int(timeout.seconds.rounded(.up)))
        let result = try await connection.query("SELECT pg_promote(true, \(seconds))", deadline: .after(timeout + .seconds(5)))
        let took = began.duration(to: .now)
        guard result.rows.first?.string(0) == "t" else {
            throw ClusterError.promotionFailed(node: name, reason: "pg_promote returned \(result.rows.first?.string(0) ?? "nothing") within \(timeout)")
        }
        return took
    }

    /// How far a standby has replayed the WAL (`pg_last_wal_replay_lsn()`); `nil` on a
    /// primary, which replays nothing.
    static func replayPosition(_ options: ConnectionOptions, deadline: Deadline) async throws -> LogSequenceNumber? {
        let connection = try await PostgresConnection.connect(options, deadline: deadline)
        defer { connection.close() }
        let result = try await connection.query("SELECT pg_last_wal_replay_lsn()::text", deadline: deadline)
        return result.rows.first?.string(0).flatMap(LogSequenceNumber.init)
    }
}
