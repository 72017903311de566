import Foundation
import InDoubt
import InDoubtTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A harness that leaves namespaces, rules or servers behind breaks its users' machines.
@Suite("No trace after a crash")
struct CrashRecoveryTests {
    /// How many times to kill a run (issue 8 asks for 20; `INDOUBT_KILL_REPEATS` overrides).
    static var repeats: Int {
        ProcessInfo.processInfo.environment["INDOUBT_KILL_REPEATS"].flatMap(Int.init) ?? 20
    }

    /// Starts `indoubt run` with a long partition that starts early, writing into `out`.
    static func startLongPartitionRun(out: URL) throws -> Process {
        let run = Process()
        run.executableURL = try CLIHarness.binary()
        run.arguments = ["run", "--writes", "100000", "--fault", "partition", "--fault-after", "30", "--no-align-commit",
                         "--fault-for", "60s", "--slow", "none", "--timeout", "500ms", "--quiet", "--out", out.path]
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try Command.launch(run)
        return run
    }

    /// Waits until the run's own history says the partition is in force.
    static func waitForPartition(history: URL, while run: Process) async throws -> Bool {
        let deadline = Deadline.after(.seconds(30))
        while !deadline.hasPassed && run.isRunning {
            let text = (try? String(contentsOf: history, encoding: .utf8)) ?? ""
            let started = text.split(separator: "\n").contains {
                $0.contains(#""f":"start-fault""#) && $0.contains(#""fault":"partition""#) && $0.contains(#""type":"ok""#)
            }
            if started { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("SIGINT during a partition: faults healed, server stopped, partial history and an incomplete results file, exit 130")
    func interruptDuringPartition() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-int-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.startLongPartitionRun(out: folder)
        let partitioned = try await Self.waitForPartition(history: folder.appendingPathComponent("history.jsonl"), while: run)
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit()
        try #require(partitioned, "the run never reached its partition")
        #expect(run.terminationStatus == 130)
        let results = try RunResults.read(from: folder.appendingPathComponent("results.json"))
        #expect(results.complete == false)
        #expect(results.acknowledged >= 30, "the partial results count the writes before the interrupt")
        #expect(results.fault == "partition")
        let history = try HistoryReader.read(folder.appendingPathComponent("history.jsonl"))
        #expect(history.operations.contains { $0.f == .startFault && $0.type == .ok })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("server-n1.log").path))
        #expect(CLIHarness.traces(ofOwner: run.processIdentifier).isEmpty, "an interrupted run removes its own cluster")
    }

    @Test("kill -9 of indoubt run during a partition, then a new run: the reaper removes everything the dead run left")
    func killDuringPartition() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let installation = try FaultEnvironment.installation()

        // Two lanes of rounds at once: each round mostly waits on process starts and `ip`.
        let lanes = min(Self.lanes, Self.repeats)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                let rounds = Array(stride(from: lane + 1, through: Self.repeats, by: lanes))
                group.addTask {
                    for round in rounds {
                        guard try await Self.killAndReap(round: round, folder: folder, installation: installation) else { return }
                    }
                }
            }
            try await group.waitForAll()
        }
        // No namespace of a dead owner is left anywhere (other live runs may have theirs).
        let orphans = Reaper.traces(ofSlot: nil).namespaces.filter { name in
            guard let pid = name.split(separator: "-p").last.flatMap({ Int32($0) }) else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        #expect(orphans.isEmpty, "namespaces of dead owners: \(orphans)")
    }

    /// Lanes of the kill loop (`INDOUBT_KILL_LANES` overrides).
    static var lanes: Int {
        max(1, ProcessInfo.processInfo.environment["INDOUBT_KILL_LANES"].flatMap(Int.init) ?? 2)
    }

    /// One round: kills a run in its partition, then starts and stops a cluster, whose reaper
    /// must remove everything the dead run left. Returns whether the next round should run.
    static func killAndReap(round: Int, folder: URL, installation: PostgresInstallation) async throws -> Bool {
        let out = folder.appendingPathComponent("run\(round)")
        let run = try startLongPartitionRun(out: out)
        let pid = run.processIdentifier
        // A round given up on (the other lane failed, and this task was cancelled) must not
        // leave its run writing through a 60 s partition: killed, it is reaped like the others.
        defer {
            if run.isRunning {
                kill(pid, SIGKILL)
                run.waitUntilExit()
            }
        }

        let history = out.appendingPathComponent("history.jsonl")
        let partitioned = try await waitForPartition(history: history, while: run)
        // Taken while the run is alive, so no reaper (another lane's, another test's) can
        // have removed anything yet; a SIGKILL lets the run clean up nothing of it.
        let killedTraces = CLIHarness.traces(ofOwner: pid)
        kill(pid, SIGKILL)
        run.waitUntilExit()
        try #require(partitioned, "round \(round): the run never reached its partition")
        #expect(!killedTraces.isEmpty, "round \(round): a killed run leaves its cluster until reaped")
        let deadSlots = Set(killedTraces.compactMap { Naming.slot(ofName: URL(fileURLWithPath: $0).lastPathComponent) })
        #expect(!deadSlots.isEmpty, "round \(round): no slot found in \(killedTraces)")

        // The killed run's history is still readable, up to the kill.
        let recorded = try HistoryReader.read(history)
        #expect(recorded.operations.contains { $0.f == .startFault && $0.type == .ok })

        // A new run starts: its reaper removes the dead run's namespaces, links, rules, servers and folders.
        let next = try await NamespaceCluster.start(installation: installation)
        await next.shutdown()
        let left = CLIHarness.traces(ofOwner: pid)
        #expect(left.isEmpty, "round \(round): the dead run (pid \(pid)) left \(left)")
        // Its sockets may still be retransmitting: once its uplink is gone, the guard
        // route answers for its addresses, and nothing follows the default route.
        #expect(SubnetGuard.isInstalled, "round \(round): no guard route for \(SubnetGuard.network)")
        for slot in deadSlots where !FileManager.default.fileExists(atPath: Naming.stateDirectory.appendingPathComponent("slots/\(slot)").path) {
            let route = try await Command.run(["ip", "-4", "route", "get", "\(Naming.subnet(slot: slot)).10"], check: false)
            #expect(route.status != 0 && route.stderr.contains("No route to host"),
                    "round \(round): the dead run's address is routed: \(route.stdout)\(route.stderr)")
        }
        return left.isEmpty
    }
}
