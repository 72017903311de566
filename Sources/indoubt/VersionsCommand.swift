import ArgumentParser
import Foundation
import InDoubt

/// `indoubt versions`: the PostgreSQL installations the harness can use.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List the PostgreSQL installations InDoubt finds.",
        discussion: """
            Searched in order: INDOUBT_PG_PATHS (colon-separated bin folders), \
            INDOUBT_PG_ROOT/*/bin (default \(PostgresInstallation.defaultRoot), where \
            `bash ci/install-postgres.sh` puts 16, 17 and 18), then Debian's \
            /usr/lib/postgresql/*/bin. The first found of each major version is used.
            """)

    func run() throws {
        let survey = PostgresInstallation.survey()
        let chosen = survey.chosen
        if chosen.isEmpty {
            for problem in survey.problems { print("not usable: \(problem.folder.path): \(problem.reason)") }
            throw CLIError(ClusterError.unknownVersion(requested: "any", installed: []).description)
        }
        print(PostgresInstallation.table(chosen))
        print("* default (the newest): used when neither --pg nor INDOUBT_PG names one.")
        print("Choose one with --pg MAJOR or --pg /path/to/bin (indoubt), INDOUBT_PG=MAJOR (swift test).")
        for installation in survey.shadowed {
            print("ignored (an earlier \(installation.major) wins): \(installation.version) at \(installation.binDirectory.path)")
        }
        for problem in survey.problems {
            print("not usable: \(problem.folder.path): \(problem.reason)")
        }
    }
}
