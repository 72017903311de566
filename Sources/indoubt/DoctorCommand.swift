import ArgumentParser
import Foundation
import InDoubt

/// `indoubt doctor`: what this machine lacks for the suite, and the command that fixes each.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every prerequisite (root, tools, kernel features, PostgreSQL, libpq, the subnet, Docker, Chromium) and print the fix for each missing one.",
        discussion: """
            One line per prerequisite: ok, or FIX with the command that fixes it. Each is checked by using it: tools run, \
            the kernel's string match and tbf are tried in a throwaway network namespace, and every PostgreSQL installation \
            starts a server that must answer. Exits 0 when everything the default (netns) backend needs is there, 2 \
            otherwise; what only the compose backend, the browser test or the bench need is marked and does not count.
            """)

    func run() async throws {
        let interrupt = InterruptHandler { NamespaceCluster.shutdownAllNow() }
        defer { interrupt.cancel() }
        let checks = await Doctor.run { check in
            print(check.line)
            fflush(nil)
        }
        let missing = checks.filter { !$0.ok }
        let blocking = missing.filter { $0.need == .defaultBackend }
        print("")
        print("\(checks.count - missing.count) ok, \(missing.count) to fix"
              + (missing.isEmpty ? "" : " (\(blocking.count) for the default backend, \(missing.count - blocking.count) only for compose, the browser test or the bench)"))
        if Doctor.exitCode(checks) != 0 {
            throw CLIError("this machine lacks what the default backend needs: \(blocking.map(\.name).joined(separator: ", ")); run the commands after → above (or bash ci/setup.sh), then indoubt doctor again")
        }
    }
}
