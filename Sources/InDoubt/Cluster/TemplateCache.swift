import Foundation

/// Caches one `initdb`-made data folder per installation, so that a node's data folder is
/// a copy (tens of milliseconds) rather than a fresh `initdb` (about half a second).
///
/// The cache lives in `INDOUBT_CACHE_DIR` (default `/var/cache/indoubt`); delete it at any
/// time, it is rebuilt on demand.
public enum TemplateCache {
    /// The cache folder.
    public static var directory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["INDOUBT_CACHE_DIR"] ?? "/var/cache/indoubt")
            .appendingPathComponent("templates")
    }

    /// The template data folder for `installation` in `directory`, made if missing.
    public static func template(for installation: PostgresInstallation, in directory: URL = directory) async throws -> URL {
        let key = "\(installation.version)-\(stableHash(installation.binDirectory.path))-wal\(walSegmentMegabytes)"
        let final = directory.appendingPathComponent(key)
        let data = final.appendingPathComponent("data")
        if FileManager.default.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) { return data }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let staging = directory.appendingPathComponent(".staging-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: staging) }
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try await initdb(installation, into: staging.appendingPathComponent("data"))
        do {
            try FileManager.default.moveItem(at: staging, to: final)
        } catch where FileManager.default.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) {
            // Another process made it first; theirs is as good as ours.
        }
        return data
    }

    /// Runs `initdb` as the `postgres` user into `dataDirectory` (which must not exist;
    /// its parent must exist), with trust authentication for the harness's networks.
    public static func initdb(_ installation: PostgresInstallation, into dataDirectory: URL) async throws {
        let parent = dataDirectory.deletingLastPathComponent()
        try await Command.run(["chown", "postgres:", parent.path])
        // The server runs as postgres, which cannot reach binaries under a mode-700 folder
        // (pip's site-packages under /root, for one): say so rather than fail obscurely.
        // (`--version` is no test: it can exec, then fail to find itself.)
        let probe = try await Command.run(
            PostgresUser.command(["test", "-x", installation.initdb.path, "-a", "-x", installation.postgres.path]), check: false)
        guard probe.status == 0 else {
            let closed = closedFolder(on: installation.initdb.path)
            throw ClusterError.notRunnableByPostgresUser(
                binary: installation.initdb.path,
                output: closed.map { "\($0) is not open to other users" } ?? "")
        }
        try await Command.run(PostgresUser.command(initdbCommand(installation, into: dataDirectory)))
        let hba = dataDirectory.appendingPathComponent("pg_hba.conf")
        let handle = try FileHandle(forWritingTo: hba)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("host all all 0.0.0.0/0 trust\n".utf8))
    }

    /// The WAL segment size of the template, in megabytes: PostgreSQL's smallest. A node's
    /// data folder is an overlay of the template, and the first write to a WAL segment copies
    /// the whole file up; at the default 16 MB that copy was most of what a node's start
    /// and first commits cost.
    public static let walSegmentMegabytes = 1

    /// The `initdb` command line for `installation` (before running it as `postgres`):
    /// trust authentication, UTF-8, the C locale, no fsync, ``walSegmentMegabytes``-sized
    /// WAL segments. `--no-instructions` exists from PostgreSQL 14 on and is left out before.
    public static func initdbCommand(_ installation: PostgresInstallation, into dataDirectory: URL) -> [String] {
        var arguments = ["-D", dataDirectory.path, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
                         "--wal-segsize=\(walSegmentMegabytes)"]
        if installation.major >= 14 { arguments.append("--no-instructions") }
        return installation.commandLine(installation.initdb, arguments)
    }

    /// The first folder on the way to `path` (symbolic links followed) that other users
    /// cannot search, if any.
    static func closedFolder(on path: String) -> String? {
        var folder = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        var folders: [String] = []
        while folder.path != "/" && !folder.path.isEmpty {
            folders.insert(folder.path, at: 0)
            folder.deleteLastPathComponent()
        }
        return folders.first { folder in
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: folder))?[.posixPermissions] as? Int else { return false }
            return mode & 0o001 == 0
        }
    }

    /// FNV-1a, stable across runs (Swift's `hashValue` is not).
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
