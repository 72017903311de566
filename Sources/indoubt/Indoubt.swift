import ArgumentParser
import Foundation
import Logging
import InDoubt

/// The `indoubt` command-line runner.
@main
struct Indoubt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indoubt",
        abstract: "Show that a PostgreSQL client and server can disagree about whether a transaction committed.",
        subcommands: [
            RunCommand.self, CheckCommand.self, NodeCommand.self, ServeCommand.self, HealCommand.self, ResolveCommand.self,
            VersionsCommand.self, ReapCommand.self, BenchCommand.self, DoctorCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    /// Parses and runs, with InDoubt's exit codes: 2 for bad input (ArgumentParser would
    /// use 64), 1 when the invariants fail, 0 otherwise.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let level = ProcessInfo.processInfo.environment["INDOUBT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            handler.logLevel = level ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
