import ArgumentParser
import Foundation
import InDoubt

/// `indoubt check`: re-check a recorded run from its history, without a server.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-check a recorded run from its history and rewrite its results.json, summary.txt and timeline.html.",
        discussion: """
            PATH is a run folder (as written by `indoubt run --out`) or a history file. The history holds \
            the final read, so no server is needed. A truncated history (a killed run) is checked as far as \
            it goes and marked incomplete. Exit code 0 when the invariants hold, 1 when they do not, 2 when \
            the history cannot be read (nothing is written then).
            """
    )

    @Argument(help: "A run folder or a history.jsonl file.")
    var path: String

    @Flag(help: "Print the summary only; write nothing.")
    var dryRun = false

    func run() throws {
        let outcome: RunCheck.Outcome
        do {
            outcome = try RunCheck.check(URL(fileURLWithPath: path), write: !dryRun)
        } catch let error as RunCheckError {
            throw CLIError(error.description)
        }
        let state = outcome.truncated ? "truncated" : outcome.results.complete ? "complete" : "incomplete"
        print("checked \(outcome.historyFile.path): \(outcome.operationCount) operations (\(state))")
        let results = outcome.results
        print("run: PostgreSQL \(results.postgresVersion), backend \(results.backend), fault \(results.fault), "
              + "strategy \(results.strategy), \(results.clients) clients, "
              + "\(String(format: "%.3f", results.durationS)) s (from \(outcome.runInfoSource))")
        for note in outcome.notes {
            print("note: \(note)")
        }
        print("")
        print(outcome.summary.text, terminator: "")
        if !outcome.written.isEmpty {
            print("wrote " + outcome.written.map(\.path).joined(separator: ", "))
        }
        if !outcome.invariantsHold { throw ExitCode(1) }
    }
}
