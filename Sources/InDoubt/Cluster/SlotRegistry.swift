import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Hands out cluster slots (distinct names and subnets) across processes, and records who
/// owns each so that the ``Reaper`` can clean up after a dead owner.
public enum SlotRegistry {
    struct OwnerRecord: Codable {
        var owner: ProcessIdentity
        var created: Date
    }

    static var slotsDirectory: URL { Naming.stateDirectory.appendingPathComponent("slots") }

    /// The gate every task of this process passes before it waits on the machine-wide lock:
    /// tasks queued on the `flock` itself would each hold a dispatch thread, and with dozens
    /// of clusters starting at once (a claims run) they took every thread the lock's holder
    /// needed to finish (seen: a hung run, 25 threads in `flock`).
    static let gate = AsyncGate()

    /// Runs `body`, which may take the machine-wide lock, on ``Blocking``, after this process's
    /// earlier users of the lock are done.
    static func locked<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await gate.pass { try await Blocking.run(body) }
    }

    /// Runs `body` while holding the machine-wide InDoubt lock (an `flock` on
    /// `STATE/lock`), so that claims and reaping never race.
    static func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: slotsDirectory, withIntermediateDirectories: true)
        let path = Naming.stateDirectory.appendingPathComponent("lock").path
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandError(arguments: ["open", path], status: nil, stderr: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CommandError(arguments: ["flock", path], status: nil, stderr: String(cString: strerror(errno)))
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Where this process's next search for a free slot starts: after the slot it claimed
    /// last, so that a slot just released is not handed straight to another cluster of the
    /// same process (a test checking that a shut-down cluster's slot left no trace would
    /// otherwise find its successor's resources under the same names).
    private static let nextStart = Mutex<Int?>(nil)

    /// Claims a free slot for `owner`, skipping slots whose subnet is routed by something
    /// that is not InDoubt's. Reaps slots of dead owners on the way.
    static func claim(owner: ProcessIdentity = .current) throws -> Int {
        try Naming.validateSubnetBase()
        return try withLock {
            let routes = RouteTable(ipRouteOutput: (try? Command.runBlocking(["ip", "-4", "route", "show"]).stdout) ?? "")
            var conflicts: Set<String> = []
            let start = nextStart.withLock { $0 } ?? Int(owner.pid) % Naming.slotCount
            for offset in 0..<Naming.slotCount {
                let slot = (start + offset) % Naming.slotCount
                let directory = slotsDirectory.appendingPathComponent(String(slot))
                if let record = readOwner(directory) {
                    guard !record.owner.isAlive else { continue }
                    Reaper.tearDown(slot: slot)
                } else if FileManager.default.fileExists(atPath: directory.path) {
                    // A claim without an owner file: its creator died mid-claim.
                    Reaper.tearDown(slot: slot)
                }
                let clashes = routes.overlapping("\(Naming.subnet(slot: slot)).0/24")
                if !clashes.isEmpty {
                    conflicts.formUnion(clashes)
                    continue
                }
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let data = try JSONEncoder().encode(OwnerRecord(owner: owner, created: Date()))
                try data.write(to: directory.appendingPathComponent("owner.json"), options: .atomic)
                nextStart.withLock { $0 = (slot + 1) % Naming.slotCount }
                return slot
            }
            // Every slot was taken: if routes took any of them, they are the thing to fix.
            if !conflicts.isEmpty {
                throw ClusterError.subnetInUse(base: Naming.subnetBase, routes: conflicts.sorted())
            }
            throw ClusterError.noFreeSlot
        }
    }

    /// Releases `slot` (after its resources are gone).
    static func release(_ slot: Int) {
        // Rename first (atomic), so that no claim ever sees the slot half removed: a folder
        // without its owner file reads as a claim whose creator died.
        let directory = slotsDirectory.appendingPathComponent(String(slot))
        let doomed = slotsDirectory.appendingPathComponent(".released-\(slot)-\(UUID().uuidString)")
        if (try? FileManager.default.moveItem(at: directory, to: doomed)) != nil {
            try? FileManager.default.removeItem(at: doomed)
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func readOwner(_ directory: URL) -> OwnerRecord? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("owner.json")) else { return nil }
        return try? JSONDecoder().decode(OwnerRecord.self, from: data)
    }

    /// The owner pid of every slot whose owner is alive.
    static func liveOwners() -> [Int: Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: slotsDirectory.path)) ?? []
        var owners: [Int: Int32] = [:]
        for name in names {
            guard let slot = Int(name), let record = readOwner(slotsDirectory.appendingPathComponent(name)),
                  record.owner.isAlive else { continue }
            owners[slot] = record.owner.pid
        }
        return owners
    }
}
