import ArgumentParser
import InDoubt

/// `indoubt reap`: remove what dead runs left behind.
struct ReapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap", abstract: "Remove namespaces, links, servers and folders left by InDoubt runs that died.")

    func run() throws {
        let report = try Reaper.reap()
        if report.isEmpty {
            print("nothing to reap")
            return
        }
        print("reaped slots \(report.slots), namespaces \(report.namespaces), links \(report.links), processes \(report.processes), folders \(report.folders)")
    }
}
