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

    /// The timeline a primary writes on now (from ``WALFileName/currentSQL``).
    static func timeline(_ options: ConnectionOptions, deadline: Deadline) async throws -> UInt32? {
        let connection = try await PostgresConnection.connect(options, deadline: deadline)
        defer { connection.close() }
        let name = try await connection.query("SELECT \(WALFileName.currentSQL)", deadline: deadline).rows.first?.string(0)
        return name.flatMap(WALFileName.init)?.timeline
    }

    /// Polls a standby's `pg_stat_wal_receiver` until it streams `timeline`.
    ///
    /// A standby pointed at a promoted node first streams its old timeline from it, up to
    /// the promotion, then reconnects for the new one: until then the new primary's
    /// `pg_stat_replication` may show the walsender that is about to end (seen on a loaded
    /// machine: `quorum` at the wait, gone a moment later).
    static func waitUntilReceiving(timeline: UInt32, _ options: ConnectionOptions, name: String, deadline: Deadline) async throws {
        let connection = try await PostgresConnection.connect(options, deadline: deadline)
        defer { connection.close() }
        var seen = "nothing"
        while !deadline.hasPassed {
            let row = try await connection.query("SELECT status, received_tli::text FROM pg_stat_wal_receiver", deadline: deadline).rows.first
            let status = row?.string(0) ?? "no WAL receiver"
            let received = row?.string(1).flatMap { UInt32($0) }
            if status == "streaming" && received == timeline { return }
            seen = "\(status), timeline \(received.map(String.init) ?? "none")"
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ClusterError.replicationNotReady(reason: "\(name) never streamed timeline \(timeline) of the new primary; its WAL receiver showed: \(seen)", logTail: "")
    }
}
