import ArgumentParser
import InDoubt

/// `indoubt reap`: remove what dead runs left behind.
struct ReapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap", abstract: "Remove namespaces, links, servers, folders and compose projects left by InDoubt runs that died.")

    func run() throws {
        let report = try Reaper.reap()
        // Compose projects of dead runs, by their owner labels (nothing without a Docker engine).
        let projects = ComposeReaper.reap()
        if !projects.isEmpty { print("reaped compose projects \(projects)") }
        if report.isEmpty {
            if projects.isEmpty { print("nothing to reap") }
            return
        }
        print("reaped slots \(report.slots), namespaces \(report.namespaces), links \(report.links), processes \(report.processes), folders \(report.folders)")
    }
}
