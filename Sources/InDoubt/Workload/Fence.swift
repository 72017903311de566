/// Fencing: before anyone trusts what the server says about indeterminate writes, the
/// sessions that sent them are terminated and waited for, so that no COMMIT retransmitted
/// after the partition heals can land after a verdict.
public enum Fence {
    /// Terminates every backend in `pids` (except `admin`'s own) and waits until none is left.
    /// - Returns: how many were still alive and had to be terminated.
    @discardableResult
    public static func terminate(_ pids: Set<Int32>, via admin: any DatabaseConnection, deadline: Deadline) async throws -> Int {
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

    /// Terminates every backend (except `admin`'s own) whose `application_name` is one of
    /// `applicationNames`, and waits until none is left: the experiment's fence (whatever
    /// the driver reported as its pid, and only on `admin`'s server), and that of a client
    /// restarted from its intent log, which knows the names its sessions carried but not
    /// their pids.
    /// - Returns: how many were terminated.
    @discardableResult
    public static func terminate(applicationNames: Set<String>, via admin: any DatabaseConnection, deadline: Deadline) async throws -> Int {
        guard !applicationNames.isEmpty else { return 0 }
        let names = SQLText.array(applicationNames.sorted())
        let rows = try await admin.query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1::text[]) AND pid <> pg_backend_pid()",
            [names], deadline: deadline).rows
        let pids = Set(try rows.map { Int32(try $0.int(0)) })
        return try await terminate(pids, via: admin, deadline: deadline)
    }
}
