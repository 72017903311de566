/// Waiting until a primary's standbys stream, whichever backend runs them.
extension Replication {
    /// Polls the primary's `pg_stat_replication` (through `primary`) until every standby of
    /// `standbys` (by `application_name`) streams, at least ``requiredSynchronous`` of them
    /// are `sync` or `quorum`, and, with synchronous replication, none is still `async`.
    ///
    /// A standby that has just begun to stream shows `async` until its walsender has read
    /// its place in `synchronous_standby_names`: meanwhile `FIRST 1 (n2, n3)` made n3 the
    /// synchronous one (seen on a loaded machine), and commits would wait for it instead.
    ///
    /// - Parameters:
    ///   - primary: How to reach the primary.
    ///   - primaryName: Its name, for the error.
    ///   - standbys: The standbys' application names.
    ///   - timeout: How long it may take.
    ///   - logTail: A standby's last log lines, for the error.
    func waitUntilStreaming(
        primary: ConnectionOptions, primaryName: String, standbys: [String], within timeout: Duration = .seconds(20),
        logTail: @Sendable () async -> String
    ) async throws {
        let deadline = Deadline.after(timeout)
        let connection = try await PostgresConnection.connect(primary, deadline: .after(.seconds(5)).earliest(deadline))
        defer { connection.close() }
        var seen = "nothing"
        while !deadline.hasPassed {
            let rows = try await connection.query(
                "SELECT application_name, state, sync_state FROM pg_stat_replication", deadline: .after(.seconds(2))).rows
            let senders = rows.map { WALSender(name: $0.string(0) ?? "", state: $0.string(1) ?? "", syncState: $0.string(2) ?? "") }
            if isStreaming(senders, standbys: standbys) { return }
            seen = senders.map { "\($0.name) \($0.state) \($0.syncState)" }.joined(separator: ", ")
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ClusterError.replicationNotReady(
            reason: "within \(timeout), pg_stat_replication on \(primaryName) showed: \(seen.isEmpty ? "no standby" : seen)",
            logTail: await logTail())
    }

    /// A row of the primary's `pg_stat_replication`.
    struct WALSender: Sendable, Hashable {
        var name: String
        var state: String
        var syncState: String
    }

    /// Whether `senders` show every standby of `standbys` streaming, at least
    /// ``requiredSynchronous`` of them `sync` or `quorum`, and, with synchronous replication,
    /// none of them `async`.
    func isStreaming(_ senders: [WALSender], standbys: [String]) -> Bool {
        let streaming = Set(senders.filter { $0.state == "streaming" }.map(\.name))
        let synchronous = senders.filter { ["sync", "quorum"].contains($0.syncState) }.count
        let unranked = senders.contains { standbys.contains($0.name) && $0.syncState == "async" }
        return standbys.allSatisfy(streaming.contains) && synchronous >= requiredSynchronous
            && (requiredSynchronous == 0 || !unranked)
    }

    /// Polls the primary's `pg_stat_replication` until every standby of `standbys` has
    /// replayed all the primary had written when it was called.
    static func waitUntilReplayed(primary: ConnectionOptions, primaryName: String, standbys: [String], deadline: Deadline) async throws {
        guard !standbys.isEmpty else { return }
        let connection = try await PostgresConnection.connect(primary, deadline: deadline)
        defer { connection.close() }
        let written = try await connection.query("SELECT pg_current_wal_lsn()::text", deadline: deadline).rows.first?.string(0) ?? "0/0"
        let names = "{" + standbys.joined(separator: ",") + "}"
        while true {
            let caughtUp = try await connection.query(
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = ANY($1::text[]) AND replay_lsn >= $2::pg_lsn",
                [names, written], deadline: deadline).rows.first?.int(0) ?? 0
            if caughtUp == standbys.count { return }
            guard !deadline.hasPassed else {
                throw ClusterError.replicationNotReady(
                    reason: "the standbys of \(primaryName) had not replayed up to \(written) by the deadline (\(caughtUp) of \(standbys.count) had)",
                    logTail: "")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
