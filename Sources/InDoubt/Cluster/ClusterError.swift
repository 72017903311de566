/// Why a cluster could not be set up, with what to do about it.
public enum ClusterError: Error, Sendable, CustomStringConvertible {
    /// A required binary is missing.
    case missingBinary(String)
    /// `postgres --version` printed something unexpected.
    case unrecognisedVersion(binary: String, output: String)
    /// No installation of the requested version.
    case unknownVersion(requested: String, installed: [PostgresInstallation])
    /// The harness needs root (network namespaces, iptables, running as `postgres`).
    case notRoot
    /// A system tool is missing.
    case missingTool(String, package: String)
    /// The `postgres` system user does not exist.
    case missingPostgresUser
    /// Every subnet slot is taken.
    case noFreeSlot
    /// The server did not become ready.
    case serverNotReady(node: String, reason: String, logTail: String)
    /// A node name or index that the cluster does not have.
    case unknownNode(String)

    public var description: String {
        switch self {
        case .missingBinary(let path):
            return "\(path) is missing or not executable: install the PostgreSQL server (Debian: apt-get install postgresql) or name another installation with --pg PATH"
        case .unrecognisedVersion(let binary, let output):
            return "\(binary) --version printed '\(output.trimmingCharacters(in: .whitespacesAndNewlines))', which is not a PostgreSQL version"
        case .unknownVersion(let requested, let installed):
            let list = installed.isEmpty ? "none" : installed.map { "\($0.major) (\($0.version) at \($0.binDirectory.path))" }.joined(separator: ", ")
            return "PostgreSQL \(requested) is not installed; found: \(list). Install it, pass --pg with one of the found majors, or --pg /path/to/bin"
        case .notRoot:
            return "InDoubt needs root to create network namespaces and iptables rules: run it as root (sudo -E ...)"
        case .missingTool(let tool, let package):
            return "`\(tool)` is not installed: apt-get install \(package) (or run bash ci/setup.sh)"
        case .missingPostgresUser:
            return "there is no `postgres` system user to run the server as: apt-get install postgresql (it creates one) or useradd --system postgres"
        case .noFreeSlot:
            return "all InDoubt network slots are in use; stop other runs, or run `indoubt reap` to remove what dead runs left"
        case .serverNotReady(let node, let reason, let logTail):
            return "PostgreSQL on \(node) did not become ready: \(reason)\n--- server log ---\n\(logTail)"
        case .unknownNode(let name):
            return "no node \(name) in this cluster"
        }
    }
}
