import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the namespace backend needs from the machine, and what is missing.
public enum Prerequisites {
    /// Every problem that keeps clusters (and faults) from running here, each with its fix.
    /// Empty when all is well.
    public static func problems(environment: [String: String] = ProcessInfo.processInfo.environment) -> [ClusterError] {
        var problems: [ClusterError] = []
        if geteuid() != 0 { problems.append(.notRoot) }
        for (tool, package) in [("ip", "iproute2"), ("tc", "iproute2"), ("iptables", "iptables"), ("setpriv", "util-linux"), ("nsenter", "util-linux")]
        where Command.find(tool) == nil {
            problems.append(.missingTool(tool, package: package))
        }
        if getpwnam("postgres") == nil { problems.append(.missingPostgresUser) }
        if PostgresInstallation.discover(environment: environment).isEmpty {
            problems.append(.unknownVersion(requested: "any", installed: []))
        }
        return problems
    }

    /// Throws the first problem, if any.
    public static func require() throws {
        if let first = problems().first { throw first }
    }
}
