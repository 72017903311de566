import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Runs the `indoubt` executable that `swift test` built next to the test bundle.
enum CLIHarness {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The built `indoubt` binary (or `INDOUBT_BINARY`).
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["INDOUBT_BINARY"] { return URL(fileURLWithPath: path) }
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("indoubt")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw MissingPrerequisite(description: "\(candidate.path) is missing: run `swift build` before the tests, or set INDOUBT_BINARY")
        }
        return candidate
    }

    /// Runs `indoubt` with `arguments` (optionally wrapped, e.g. by setpriv) and waits.
    static func run(_ arguments: [String], wrapper: [String] = [], binary: URL? = nil) async throws -> Result {
        let executable = try binary ?? self.binary()
        let output = try await Command.run(wrapper + [executable.path] + arguments, check: false)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Skips or fails (with `INDOUBT_REQUIRE_FAULTS=1`) when the harness cannot run here.
    static func requireFaultEnvironment() throws {
        switch FaultEnvironment.decision() {
        case .run: return
        case .skip(let reason): try Test.cancel(Comment(rawValue: reason))
        case .fail(let reason): throw MissingPrerequisite(description: reason)
        }
    }

    /// Everything of InDoubt's that a process with `pid` owns or owned.
    static func traces(ofOwner pid: Int32) -> [String] {
        let all = Reaper.traces(ofSlot: nil)
        let folders = all.folders.filter { $0.contains("/indoubt-\(pid)-s") }
        let slots = Set(folders.compactMap { Naming.owner(ofFolder: URL(fileURLWithPath: $0).lastPathComponent)?.slot })
        var found = folders
        found += all.namespaces.filter { $0.hasSuffix("-p\(pid)") }
        found += all.links.filter { Naming.slot(ofName: $0).map(slots.contains) == true }
        // Server processes whose command line names one of this owner's folders.
        for process in all.processes {
            let line = FileManager.default.contents(atPath: "/proc/\(process)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            if line.contains("/indoubt-\(pid)-s") { found.append("process \(process)") }
        }
        return found
    }
}
