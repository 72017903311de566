import ArgumentParser
import Foundation
import InDoubt

/// `indoubt resolve RUN_DIR`: a `ledger` client restarted from its intent log alone.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a killed ledger run's in-doubt writes from its intent log alone: fence its sessions, then read the ledger.",
        discussion: """
            Reads RUN_DIR/intents.jsonl, terminates every server session whose application_name an in-doubt \
            intent recorded (and waits until they are gone), then looks the ledger ids up. Prints each verdict and \
            writes RUN_DIR/resolution.json. Exit code 0 when every in-doubt write is resolved, 1 when one is not, \
            2 on bad input.
            """
    )

    @Argument(help: "The run folder of `indoubt run --strategy ledger` (it holds intents.jsonl).")
    var runFolder: String

    @Option(help: "The server description from `indoubt serve --describe`. Default: RUN_DIR/server.json.")
    var server: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: runFolder, isDirectory: true)
        let log = folder.appendingPathComponent(RunFolder.intentLogFileName)
        guard FileManager.default.fileExists(atPath: log.path) else {
            throw CLIError("\(log.path) does not exist: resolve needs the run folder of `indoubt run --strategy ledger`")
        }
        let node: ServedNode
        do {
            node = try ServedNode.read(from: server.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent(RunFolder.serverDescriptionFileName))
        } catch {
            throw CLIError("\(error) (pass --server FILE)")
        }
        let report: ClientRecovery.Report
        do {
            report = try await ClientRecovery(intentLog: log).run(
                options: node.connectionOptions(applicationName: "indoubt-resolve"), deadline: .after(.seconds(30)))
        } catch let error as IntentLogError {
            throw CLIError(error.description)
        } catch {
            throw CLIError("the resolution failed: \(error)")
        }
        print("fenced \(report.fenced) session(s) of \(report.sessions.count) in-doubt client session name(s): \(report.sessions.joined(separator: ", "))")
        for verdict in report.verdicts {
            print("\(verdict.element) \(verdict.resolution.rawValue): \(verdict.evidence)")
        }
        let target = RunFolder(folder).resolution
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(report).write(to: target, options: .atomic)
        } catch {
            throw CLIError("cannot write \(target.path): \(error)")
        }
        print("\(report.verdicts.count) in-doubt write(s), \(report.verdicts.count(where: { $0.resolution == .unknown })) unresolved; \(target.path)")
        if !report.allResolved { throw ExitCode(1) }
    }
}
