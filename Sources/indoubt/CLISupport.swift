import ArgumentParser
import Foundation
import InDoubt

/// A user-facing error: its message is printed as is, and the exit code is 2 (bad input or
/// a missing prerequisite).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CLIError: CustomNSError {
    static var errorDomain: String { "indoubt" }
    var errorCode: Int { 2 }
}

/// Small pieces the subcommands share.
enum CLISupport {
    /// The driver named `name`, if this build has it; otherwise what to type or build instead.
    static func driver(named name: String) throws -> DatabaseDriver {
        guard let driver = DatabaseDriver(rawValue: name) else {
            throw ValidationError("unknown driver '\(name)'; choose one of: \(DatabaseDriver.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let reason = driver.unavailableReason { throw ValidationError(reason) }
        return driver
    }

    /// The installation for `--pg`, or the newest.
    static func installation(_ selector: String?) throws -> PostgresInstallation {
        do {
            return try selector.map { try PostgresInstallation.resolve($0) } ?? PostgresInstallation.newest()
        } catch let error as ClusterError {
            throw ValidationError(error.description)
        }
    }

    /// Starts a namespace cluster, turning missing prerequisites into exit code 2.
    static func cluster(nodes: Int, installation: PostgresInstallation, settings: [String: String] = [:]) async throws -> NamespaceCluster {
        let problems = Prerequisites.problems()
        if !problems.isEmpty {
            throw ValidationError(problems.map(\.description).joined(separator: "\n"))
        }
        do {
            return try await NamespaceCluster.start(nodes: nodes, installation: installation, settings: settings)
        } catch let error as ClusterError {
            // The machine is not as the harness needs it: say what to do, exit 2.
            throw CLIError(error.description)
        }
    }

    /// `0.123` style seconds.
    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", duration.seconds)
    }
}
