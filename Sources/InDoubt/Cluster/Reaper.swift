import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Removes what dead InDoubt processes left behind: servers, namespaces, links, folders
/// and slot claims, like Testcontainers' Ryuk. Runs before every cluster starts and as
/// `indoubt reap`. It only touches things named by ``Naming`` whose owner is gone.
public enum Reaper {
    /// What a reaping pass removed.
    public struct Report: Sendable, Equatable {
        /// Slots whose owner was dead.
        public var slots: [Int] = []
        /// Namespaces deleted.
        public var namespaces: [String] = []
        /// Links deleted.
        public var links: [String] = []
        /// Folders deleted.
        public var folders: [String] = []
        /// Server processes stopped.
        public var processes: [Int32] = []

        /// Whether nothing was found.
        public var isEmpty: Bool { slots.isEmpty && namespaces.isEmpty && links.isEmpty && folders.isEmpty && processes.isEmpty }
    }

    /// Reaps everything whose owner is dead. Safe to run at any time, from any process.
    ///
    /// It first puts the ``SubnetGuard`` in place: a dead run's sockets may still be
    /// retransmitting toward the uplink about to be deleted. Every cluster start reaps, so
    /// the guard is also in place before any cluster's network exists.
    @discardableResult
    public static func reap() throws -> Report {
        try SubnetGuard.install()
        return try SlotRegistry.withLock {
            var report = Report()
            let slotNames = (try? FileManager.default.contentsOfDirectory(atPath: SlotRegistry.slotsDirectory.path)) ?? []
            for name in slotNames {
                guard let slot = Int(name) else { continue }
                let record = SlotRegistry.readOwner(SlotRegistry.slotsDirectory.appendingPathComponent(name))
                if record?.owner.isAlive == true { continue }
                report.slots.append(slot)
                merge(tearDown(slot: slot), into: &report)
            }
            // Leftovers whose slot claim is gone too (for example after /run was cleared).
            let live = SlotRegistry.liveOwners()
            for namespace in namespaces() where Naming.slot(ofName: namespace).map({ live[$0] == nil }) == true {
                merge(stopServers(inNamespace: namespace), into: &report)
                if NamespaceFiles.delete(namespace) { report.namespaces.append(namespace) }
            }
            for link in links() where Naming.slot(ofName: link).map({ live[$0] == nil }) == true {
                if (try? Command.runBlocking(["ip", "link", "delete", link])) != nil { report.links.append(link) }
            }
            for folder in folders() {
                guard let owner = Naming.owner(ofFolder: folder.lastPathComponent), live[owner.slot] != owner.pid else { continue }
                report.processes += stopServers(under: folder)
                if remove(folder) { report.folders.append(folder.path) }
            }
            return report
        }
    }

    /// What exists now of `slot` (or of every slot, when `nil`), without touching it: for
    /// checking that a teardown left nothing behind.
    public static func traces(ofSlot slot: Int?) -> Report {
        func matches(_ candidate: Int?) -> Bool { candidate != nil && (slot == nil || candidate == slot) }
        var report = Report()
        report.namespaces = namespaces().filter { matches(Naming.slot(ofName: $0)) }
        report.links = links().filter { matches(Naming.slot(ofName: $0)) }
        let folders = folders().filter { matches(Naming.owner(ofFolder: $0.lastPathComponent)?.slot) }
        report.folders = folders.map(\.path)
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        report.processes = processes.compactMap { Int32($0) }.filter { pid in
            guard let line = ServerProcess.commandLine(of: pid) else { return false }
            return folders.contains { line.contains($0.path + "/") }
        }
        if let slot, FileManager.default.fileExists(atPath: SlotRegistry.slotsDirectory.appendingPathComponent(String(slot)).path) {
            report.slots = [slot]
        }
        return report
    }

    /// Removes every resource of `slot`. The caller holds the lock (or, for a Ctrl-C, owns the slot).
    @discardableResult
    static func tearDown(slot: Int) -> Report {
        var report = Report()
        for folder in folders() where Naming.owner(ofFolder: folder.lastPathComponent)?.slot == slot {
            report.processes += stopServers(under: folder)
        }
        for namespace in namespaces() where Naming.slot(ofName: namespace) == slot {
            report.processes += stopServers(inNamespace: namespace).processes
            if NamespaceFiles.delete(namespace) { report.namespaces.append(namespace) }
        }
        for link in links() where Naming.slot(ofName: link) == slot {
            if (try? Command.runBlocking(["ip", "link", "delete", link])) != nil { report.links.append(link) }
        }
        for folder in folders() where Naming.owner(ofFolder: folder.lastPathComponent)?.slot == slot {
            if remove(folder) { report.folders.append(folder.path) }
        }
        SlotRegistry.release(slot)
        return report
    }

    /// Unmounts and deletes a cluster folder. While a server process of the folder is still
    /// exiting, the kernel may refuse to remove the mount point (EBUSY): retry for a while.
    static func remove(_ folder: URL, within timeout: Duration = .seconds(2)) -> Bool {
        let deadline = Deadline.after(timeout)
        while true {
            guard Overlay.unmountAll(under: folder) else { return false }
            do {
                try FileManager.default.removeItem(at: folder)
                return true
            } catch {
                if !FileManager.default.fileExists(atPath: folder.path) { return true }
                if deadline.hasPassed { return false }
                usleep(20_000)
            }
        }
    }

    private static func merge(_ other: Report, into report: inout Report) {
        report.namespaces += other.namespaces
        report.links += other.links
        report.folders += other.folders
        report.processes += other.processes
    }

    /// Stops the postmasters whose data folders lie under `folder` (read from each
    /// `postmaster.pid`, checked against the process's command line).
    static func stopServers(under folder: URL) -> [Int32] {
        var stopped: [Int32] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix("postmaster.pid") else { continue }
            let dataDirectory = folder.appendingPathComponent(path).deletingLastPathComponent().path
            guard let text = try? String(contentsOfFile: folder.appendingPathComponent(path).path, encoding: .utf8),
                  let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }) else { continue }
            if ServerProcess.stop(pid: pid, ifCommandLineContains: dataDirectory) { stopped.append(pid) }
        }
        return stopped
    }

    /// Stops any process still running in `namespace` that runs a `postgres` binary.
    static func stopServers(inNamespace namespace: String) -> Report {
        var report = Report()
        for pid in (try? NamespaceFiles.pids(in: namespace)) ?? [] {
            if ServerProcess.stop(pid: pid, ifCommandLineContains: "postgres") { report.processes.append(pid) }
        }
        return report
    }

    static func namespaces() -> [String] {
        NamespaceFiles.names().filter { $0.hasPrefix(Naming.prefix) }
    }

    static func links() -> [String] {
        NamespaceFiles.rootLinks().filter { $0.hasPrefix(Naming.prefix) }
    }

    static func folders() -> [URL] {
        let root = Naming.temporaryRoot
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { Naming.owner(ofFolder: $0) != nil }.map { root.appendingPathComponent($0) }
    }
}
