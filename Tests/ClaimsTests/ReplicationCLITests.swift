import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// `indoubt run` on a primary with standbys, and a cycling fault, for real: the summary and
/// results.json name the final read's node and the failover's times, `indoubt check` finds
/// them again from the history, and every cycle is a start/stop pair.
@Suite("indoubt run with standbys and cycling faults", .serialized)
struct ReplicationCLITests {
    @Test("--standbys 1 reproduces R1: acknowledged writes lost, the final read from n2, the failover timed, and indoubt check agrees")
    func asyncDefaultsLoseWrites() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-cli-r1-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLIHarness.run(["run", "--standbys", "1", "--writes", "400", "--quiet", "--out", folder.path])
        #expect(result.status == 1, "lost writes break the invariants; stderr: \(result.stderr)")
        #expect(result.stdout.contains("faults: replication-cut after 50 acknowledged writes, at a COMMIT until the writes end; failover after 200 acknowledged writes"), "\(result.stdout)")
        #expect(result.stdout.contains("final read from n2"), "\(result.stdout)")
        #expect(result.stdout.contains("failover: n2 promoted in "), "\(result.stdout)")
        let results = try RunResults.read(from: RunFolder(folder).results)
        #expect(results.lost > 0, "the async failover took back no acknowledged write")
        #expect(results.fault == "replication-cut+failover")
        #expect(results.finalReadNode == "n2")
        #expect(results.promotedNode == "n2")
        #expect((results.promotionS ?? 0) > 0 && (results.promotionS ?? 9) < (results.failoverS ?? 0))
        #expect(results.firstAckAfterFailoverS != nil, "no write was acknowledged after the failover")
        let history = try String(contentsOf: RunFolder(folder).history, encoding: .utf8)
        #expect(history.contains(#""f":"read","index""#) && history.contains(#""node":"n2""#))
        // The faults name their nodes, and the timeline draws a lane per node from them.
        let operations = try HistoryReader.read(RunFolder(folder).history).operations
        let started = operations.filter { $0.f == .startFault && $0.type == .ok }
        #expect(started.first { $0.fault == "failover" }?.nodes == ["n1", "n2"], "\(started)")
        #expect(started.first { $0.fault == "replication-cut" }?.nodes == ["n1", "n2"], "\(started)")
        let page = try String(contentsOf: RunFolder(folder).timeline, encoding: .utf8)
        for node in ["n1", "n2"] {
            #expect(page.contains("<g class=\"node-lane\" id=\"node-\(node)\" data-node=\"\(node)\">"), "no node lane \(node)")
            #expect(page.contains("<g class=\"node-window cut\" data-state=\"cut\" data-fault=\"replication-cut\">"))
        }
        #expect(page.contains("<g class=\"node-marker promoted\" data-node=\"n2\">"), "no failover marker on n2")
        #expect(page.contains("<g class=\"node-marker fenced\" data-node=\"n1\">"), "no fence marker on n1")

        let check = try await CLIHarness.run(["check", folder.path])
        let rechecked = try RunResults.read(from: RunFolder(folder).results)
        #expect(check.stdout.contains("final read from n2"), "\(check.stdout) \(check.stderr)")
        #expect(rechecked.finalReadNode == results.finalReadNode && rechecked.promotionS == results.promotionS
                && rechecked.firstAckAfterFailoverS == results.firstAckAfterFailoverS && rechecked.lost == results.lost)
        #expect(CLIHarness.traces(ofOwner: result.pid).isEmpty)
    }

    @Test("--replication sync --client trusting --read-every 25ms: the COMMITs trusted despite the warning are lost, and the reader's reads of them are named")
    func trustingClientWithReader() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-cli-trust-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The failover comes 1 s after the cut: a 300 ms deadline has the cancelled COMMITs back
        // (and read) well before it.
        let result = try await CLIHarness.run(["run", "--standbys", "1", "--replication", "sync", "--client", "trusting",
                                               "--timeout", "300ms", "--read-every", "25ms", "--writes", "200", "--quiet",
                                               "--out", folder.path])
        #expect(result.status == 1, "lost writes break the invariants; stdout: \(result.stdout) stderr: \(result.stderr)")
        let results = try RunResults.read(from: RunFolder(folder).results)
        #expect(results.client == "trusting")
        let operations = try HistoryReader.read(RunFolder(folder).history).operations
        let trusted = Set(operations.filter { $0.f == .add && $0.type == .ok && $0.warning?.contains("canceling wait for synchronous replication") == true }
            .compactMap(\.value))
        #expect(!trusted.isEmpty, "no COMMIT came back with the warning")
        #expect(results.lost > 0 && Set(results.lostElements).isSubset(of: trusted), "lost \(results.lostElements), trusted \(trusted.sorted())")
        #expect(operations.filter { $0.f == .read && $0.type == .ok }.count > 3, "the reader did not read during the run")
        #expect((results.readThenLost ?? 0) > 0, "no read of a lost write was named")
        #expect(result.stdout.contains("read, then lost"), "\(result.stdout)")
    }

    @Test("--fault pause-primary --no-failover: the primary is paused with its pids as evidence and resumed by the heal; nothing lost")
    func pausePrimaryRun() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-cli-pause-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLIHarness.run(["run", "--standbys", "1", "--fault", "pause-primary", "--no-failover", "--fault-for", "1s",
                                               "--writes", "400", "--quiet", "--out", folder.path])
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        let operations = try HistoryReader.read(RunFolder(folder).history).operations
        let paused = try #require(operations.first { $0.f == .startFault && $0.type == .ok && $0.fault == "pause-primary" })
        let resumed = try #require(operations.first { $0.f == .stopFault && $0.type == .ok && $0.fault == "pause-primary" })
        let pids = try #require(paused.evidence?.components(separatedBy: "pids ").last)
        #expect(paused.evidence?.hasPrefix("SIGSTOP to n1's pids") == true)
        #expect(resumed.evidence == "SIGCONT to n1's pids \(pids)", "the heal resumes exactly the paused pids")
        #expect(paused.nodes == ["n1"] && resumed.nodes == ["n1"])
        let page = try String(contentsOf: RunFolder(folder).timeline, encoding: .utf8)
        #expect(page.contains("<g class=\"node-lane\" id=\"node-n1\" data-node=\"n1\">"))
        #expect(page.contains("<g class=\"node-window paused\" data-state=\"paused\" data-fault=\"pause-primary\">"))
        let results = try RunResults.read(from: RunFolder(folder).results)
        #expect(results.finalReadNode == "n1" && results.promotedNode == nil && results.lost == 0)
        #expect(operations.contains { $0.f == .add && $0.type == .ok && $0.time > resumed.time }, "no write acknowledged after the resume")
    }

    @Test("--fault-cycle: a partition applied and healed every cycle, each a start-fault/stop-fault pair, one server, no replication")
    func cyclingPartition() async throws {
        try CLIHarness.requireFaultEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-cli-cycle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLIHarness.run([
            "run", "--fault", "partition", "--slow", "none", "--fault-after", "100ms", "--fault-for", "200ms", "--fault-cycle", "600ms",
            // Enough writes for about 3 s at this machine's few thousand a second: at least three cycles.
            "--timeout", "300ms", "--writes", "15000", "--quiet", "--out", folder.path,
        ])
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        let operations = try HistoryReader.read(RunFolder(folder).history).operations
        let nemesis = operations.filter { $0.process == .nemesis && $0.type == .ok && $0.fault == "partition" }.map(\.f)
        let starts = nemesis.filter { $0 == .startFault }.count
        #expect(starts >= 3, "cycles: \(nemesis)")
        #expect(nemesis == Array(repeating: [HistoryOperation.Function.startFault, .stopFault], count: starts).flatMap { $0 })
        #expect(!operations.contains { $0.process == .nemesis && $0.type == .fail }, "a cycle failed to apply or heal")
        #expect(result.stdout.contains("again every 0.6 seconds"), "\(result.stdout)")
    }
}
