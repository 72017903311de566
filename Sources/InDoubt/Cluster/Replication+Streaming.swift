/// Waiting until a primary's standbys stream, whichever backend runs them.
extension Replication {
    /// Polls the primary's `pg_stat_replication` (through `primary`) until every standby of
    /// `standbys` (by `application_name`) streams and at least ``requiredSynchronous`` of
    /// them are `sync` or `quorum`.
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
            let streaming = Set(rows.filter { $0.string(1) == "streaming" }.compactMap { $0.string(0) })
            let synchronous = rows.filter { ["sync", "quorum"].contains($0.string(2) ?? "") }.count
            if standbys.allSatisfy(streaming.contains) && synchronous >= requiredSynchronous { return }
            seen = rows.map { "\($0.string(0) ?? "?") \($0.string(1) ?? "?") \($0.string(2) ?? "?")" }.joined(separator: ", ")
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ClusterError.replicationNotReady(
            reason: "within \(timeout), pg_stat_replication on \(primaryName) showed: \(seen.isEmpty ? "no standby" : seen)",
            logTail: await logTail())
    }
}
