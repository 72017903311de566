import Foundation

/// Making a node a streaming standby of another.
extension PostgresNode {
    /// Lets every address of `subnet` (`10.213.7`) connect for replication, so that the
    /// standbys can stream from this node and, after a failover, from each other.
    func allowReplication(subnet: String) throws {
        try append(Replication.hbaLine(subnet: subnet), to: dataDirectory.appendingPathComponent("pg_hba.conf"))
    }

    /// Turns the prepared data folder into a standby of `primary`, as `pg_basebackup -R`
    /// would: `standby.signal`, and `primary_conninfo` (with `application_name` = this
    /// node's name) in `postgresql.auto.conf`, where `ALTER SYSTEM` can change it later.
    func configureStandby(of primary: PostgresNode) async throws {
        let conninfo = Replication.primaryConninfo(host: primary.address, port: primary.port, applicationName: name)
        try append("primary_conninfo = '\(conninfo)'\n", to: dataDirectory.appendingPathComponent("postgresql.auto.conf"))
        let signal = dataDirectory.appendingPathComponent("standby.signal")
        guard FileManager.default.createFile(atPath: signal.path, contents: nil) else {
            throw CommandError(arguments: ["touch", signal.path], status: nil, stderr: "could not create the file")
        }
        try await Command.run(["chown", "postgres:", signal.path, dataDirectory.appendingPathComponent("postgresql.auto.conf").path])
    }

    /// Points a running standby at `primary` (`ALTER SYSTEM SET primary_conninfo`, then a
    /// reload, which restarts its WAL receiver); with `recovery_target_timeline` at its
    /// default, `latest`, it follows the promoted primary's new timeline.
    func follow(_ primary: PostgresNode) async throws {
        let conninfo = Replication.primaryConninfo(host: primary.address, port: primary.port, applicationName: name)
        try await alterSystem(["primary_conninfo": conninfo])
    }

    /// `ALTER SYSTEM SET` each setting, then `pg_reload_conf()` (allowed on a standby too).
    func alterSystem(_ settings: [String: String]) async throws {
        let deadline = Deadline.after(.seconds(5))
        let connection = try await PostgresConnection.connect(connectionOptions(applicationName: "indoubt-configure"), deadline: deadline)
        defer { connection.close() }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            _ = try await connection.query("ALTER SYSTEM SET \(name) = \(SQLText.literal(value))", deadline: deadline)
        }
        _ = try await connection.query("SELECT pg_reload_conf()", deadline: deadline)
    }

    /// Fills an empty data folder with `pg_basebackup` of the running `primary` (from the
    /// root namespace, as the `postgres` user).
    func prepareBaseBackup(of primary: PostgresNode) async throws {
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try PostgresUser.own([folder, socketDirectory, dataDirectory])
        let arguments = ["-D", dataDirectory.path, "-h", primary.address, "-p", String(primary.port), "-U", "postgres",
                         "-X", "stream", "--checkpoint=fast", "--no-sync"]
        try await Command.run(PostgresUser.command(installation.commandLine(installation.pgBasebackup, arguments)))
    }

    private func append(_ text: String, to file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
