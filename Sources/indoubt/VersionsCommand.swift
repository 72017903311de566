import ArgumentParser
import InDoubt

/// `indoubt versions`: the PostgreSQL installations the harness can use.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List the PostgreSQL installations InDoubt finds.")

    func run() throws {
        let installed = PostgresInstallation.discover()
        if installed.isEmpty {
            throw CLIError(ClusterError.unknownVersion(requested: "any", installed: []).description)
        }
        for installation in installed {
            print("\(installation.major)\t\(installation.version)\t\(installation.binDirectory.path)")
        }
    }
}
