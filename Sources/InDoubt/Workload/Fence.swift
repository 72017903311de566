/// Fencing: before anyone trusts what the server says about indeterminate writes, the
/// sessions that sent them are terminated and waited for, so that no COMMIT retransmitted
/// after the partition heals can land after a verdict.
public enum Fence {
    /// Terminates every backend in `pids` (except `admin`'s own) and waits until none is left.
    /// - Returns: how many were still alive and had to be terminated.
    @discardableResult
    public static func terminate(_ pids: Set<Int32>, via admin: PostgresConnection, deadline: Deadline) async throws -> Int {
        let others = pids.subtracting([admin.backendPID])
        guard !others.isEmpty else { return 0 }
        let array = "{" + others.sorted().map(String.init).joined(separator: ",") + "}"
        let terminated = try await admin.query(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])) AS t",
            [array], deadline: deadline)
        while true {
            let alive = try await admin.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", [array], deadline: deadline)
            if try alive.rows.first?.int(0) == 0 { break }
            if deadline.hasPassed {
                throw PostgresError(kind: .timeout, message: "backends \(array) were still alive at the fencing deadline", sent: .statement)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try terminated.rows.first?.int(0) ?? 0
    }
}
