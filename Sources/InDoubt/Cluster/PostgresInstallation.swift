import Foundation

/// A PostgreSQL server installation: a folder with `postgres` and `initdb`.
public struct PostgresInstallation: Sendable, Hashable, CustomStringConvertible {
    /// The folder holding the server binaries.
    public var binDirectory: URL
    /// The full version, e.g. `15.18`.
    public var version: String
    /// The major version, e.g. 15.
    public var major: Int

    /// The `postgres` server binary.
    public var postgres: URL { binDirectory.appendingPathComponent("postgres") }
    /// The `initdb` binary.
    public var initdb: URL { binDirectory.appendingPathComponent("initdb") }

    public var description: String { "PostgreSQL \(version) (\(binDirectory.path))" }

    /// Folders searched for installations, in order: `INDOUBT_PG_PATHS` (colon-separated
    /// bin folders), InDoubt's own install root's `*/bin`, then Debian's
    /// `/usr/lib/postgresql/*/bin`.
    public static func searchFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var folders: [URL] = []
        if let extra = environment["INDOUBT_PG_PATHS"] {
            folders += extra.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        }
        for root in [environment["INDOUBT_PG_ROOT"] ?? "/opt/indoubt/postgres", "/usr/lib/postgresql"] {
            let children = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            folders += children.sorted().map { URL(fileURLWithPath: root).appendingPathComponent($0).appendingPathComponent("bin") }
        }
        return folders
    }

    /// Every installation found in ``searchFolders(environment:)``, newest major first;
    /// the first found wins for a given major version.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) -> [PostgresInstallation] {
        var found: [Int: PostgresInstallation] = [:]
        for folder in searchFolders(environment: environment) {
            guard let installation = try? inspect(binDirectory: folder), found[installation.major] == nil else { continue }
            found[installation.major] = installation
        }
        return found.values.sorted { $0.major > $1.major }
    }

    /// Reads the version of the installation in `binDirectory`.
    public static func inspect(binDirectory: URL) throws -> PostgresInstallation {
        let postgres = binDirectory.appendingPathComponent("postgres").path
        let initdb = binDirectory.appendingPathComponent("initdb").path
        for binary in [postgres, initdb] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw ClusterError.missingBinary(binary)
        }
        let output = try Command.runBlocking([postgres, "--version"])
        guard let version = parseVersion(output.stdout), let major = Int(version.split(separator: ".").first ?? "") else {
            throw ClusterError.unrecognisedVersion(binary: postgres, output: output.stdout)
        }
        return PostgresInstallation(binDirectory: binDirectory, version: version, major: major)
    }

    /// Extracts `15.18` from `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
    public static func parseVersion(_ text: String) -> String? {
        guard let range = text.range(of: "(PostgreSQL) ") else { return nil }
        let rest = text[range.upperBound...]
        let version = rest.prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }

    /// The installation for a `--pg` value: a major version (`15`) or a bin folder path.
    public static func resolve(_ selector: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresInstallation {
        if selector.contains("/") {
            return try inspect(binDirectory: URL(fileURLWithPath: selector))
        }
        let installed = discover(environment: environment)
        guard let major = Int(selector) else {
            throw ClusterError.unknownVersion(requested: selector, installed: installed)
        }
        guard let match = installed.first(where: { $0.major == major }) else {
            throw ClusterError.unknownVersion(requested: selector, installed: installed)
        }
        return match
    }

    /// The default installation: the newest found.
    public static func newest(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresInstallation {
        guard let newest = discover(environment: environment).first else {
            throw ClusterError.unknownVersion(requested: "any", installed: [])
        }
        return newest
    }
}
