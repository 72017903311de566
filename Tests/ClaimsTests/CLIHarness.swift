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
        /// The pid `indoubt` ran as (a wrapper that execs it hands on its own).
        var pid: Int32
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

    /// Runs `indoubt` with `arguments` and waits. A `wrapper` (setpriv, env, unshare, or
    /// `sh -c 'SETUP && exec "$0" "$@"'`) must exec the binary, never fork it, so that the
    /// result's pid is the run's, for ``traces(ofOwner:)``.
    static func run(_ arguments: [String], wrapper: [String] = [], binary: URL? = nil) async throws -> Result {
        let executable = try binary ?? self.binary()
        let output = try await Command.run(wrapper + [executable.path] + arguments, check: false)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr, pid: output.pid)
    }

    /// Skips or fails (with `INDOUBT_REQUIRE_FAULTS=1`) when the harness cannot run here.
    static func requireFaultEnvironment() throws {
        try FaultEnvironment.decision().enforce()
    }

    /// Everything of InDoubt's that the process `pid` owns or owned (see ``Naming``): its
    /// slot claims (`STATE/slots/SLOT/owner.json` naming it), namespaces `idbSLOTnN-pPID`,
    /// folders `TMP/indoubt-PID-sSLOT`, the links of the slots those name, and any process
    /// still running from one of its folders. With `slot`, only that slot's: what a cluster
    /// left after its shutdown, without what another process (a CLI run of a test running
    /// beside it) has built since in the slot it released.
    static func traces(ofOwner pid: Int32, slot only: Int? = nil) -> [String] {
        let all = Reaper.traces(ofSlot: only)
        let inSlot = { (slot: Int?) in only == nil || slot == only }
        let folders = all.folders.filter {
            let owner = Naming.owner(ofFolder: URL(fileURLWithPath: $0).lastPathComponent)
            return owner?.pid == pid && inSlot(owner?.slot)
        }
        let namespaces = all.namespaces.filter { $0.hasSuffix("-p\(pid)") && inSlot(Naming.slot(ofName: $0)) }
        let claims = slotClaims(ofOwner: pid).filter { inSlot($0.key) }
        var slots = Set(claims.keys)
        slots.formUnion(folders.compactMap { Naming.owner(ofFolder: URL(fileURLWithPath: $0).lastPathComponent)?.slot })
        slots.formUnion(namespaces.compactMap(Naming.slot(ofName:)))
        var found = claims.values.sorted() + folders + namespaces
        found += all.links.filter { Naming.slot(ofName: $0).map(slots.contains) == true }
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        let folderMark = only.map { "/indoubt-\(pid)-s\($0)/" } ?? "/indoubt-\(pid)-s"
        for process in processes {
            let line = FileManager.default.contents(atPath: "/proc/\(process)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            if line.contains(folderMark) { found.append("process \(process)") }
        }
        return found
    }

    /// The slot claims whose `owner.json` names `pid`: slot → the file's path.
    private static func slotClaims(ofOwner pid: Int32) -> [Int: String] {
        struct Claim: Decodable { var owner: ProcessIdentity }
        let folder = Naming.stateDirectory.appendingPathComponent("slots")
        var claims: [Int: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let file = folder.appendingPathComponent(name).appendingPathComponent("owner.json")
            guard let slot = Int(name), let data = FileManager.default.contents(atPath: file.path),
                  let claim = try? JSONDecoder().decode(Claim.self, from: data), claim.owner.pid == pid else { continue }
            claims[slot] = file.path
        }
        return claims
    }
}
