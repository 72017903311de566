import ArgumentParser
import InDoubt

/// The `indoubt` command-line runner.
@main
struct Indoubt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indoubt",
        abstract: "Show that a PostgreSQL client and server can disagree about whether a transaction committed.",
        subcommands: [NodeCommand.self, VersionsCommand.self, ReapCommand.self],
        defaultSubcommand: NodeCommand.self
    )
}
