import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The replication topology the failover claims stand on: standbys stream over the
/// cluster network (with the root namespace's iptables untouched), a synchronous commit
/// waits for its standby, and a failover takes back what never reached the new primary.
@Suite("Streaming replication and failover", .serialized)
struct ReplicationTests {
    @Test("A row committed on the primary is read on an async standby", arguments: Replication.Seeding.allCases)
    func asyncStandbyReads(seeding: Replication.Seeding) async throws {
        try await withCluster(Replication(standbys: 1, mode: .async, seeding: seeding)) { cluster in
            let primary = try await Self.connect(cluster.primary)
            defer { primary.close() }
            _ = try await primary.query("CREATE TABLE s (e int)", deadline: .after(.seconds(5)))
            _ = try await primary.query("INSERT INTO s VALUES (1)", phase: .commit, deadline: .after(.seconds(5)))
            let standby = try #require(cluster.standbys.first)
            #expect(try await Self.count(on: standby, "SELECT count(*) FROM s WHERE e = 1", until: 1) == 1)
            #expect(try await standby.replayPosition() != nil, "a standby reports how far it replayed")
            #expect(try await cluster.primary.replayPosition() == nil, "a primary replays nothing")
        }
    }

    @Test("A single-node cluster refuses every topology fault instead of passing an empty cut for one in force")
    func singleNodeRefusesTopologyFaults() async throws {
        try FaultEnvironment.decision().enforce()
        let cluster = try await NamespaceCluster.start(nodes: 1, installation: try FaultEnvironment.installation())
        for kind in Fault.Kind.allCases where kind.isTopologyFault {
            let error = await #expect(throws: TopologyFaultError.self) { _ = try await cluster.applyTopologyFault(kind) }
            #expect(error?.description.contains("single server") == true, "\(kind)")
        }
        await cluster.shutdown()
    }

    @Test("Node-to-node traffic flows while the root namespace's iptables stay exactly as they were")
    func rootIptablesUnchanged() async throws {
        try FaultEnvironment.decision().enforce()
        let before = try await Self.rootIptables()
        try await withCluster(Replication(standbys: 2, mode: .sync(.remoteApply), quorum: .first(1))) { cluster in
            let states = try await Self.rows(on: cluster.primary, "SELECT application_name, sync_state FROM pg_stat_replication ORDER BY 1")
            #expect(states == [["n2", "sync"], ["n3", "potential"]])
            #expect(try await Self.rootIptables() == before)
        }
        #expect(try await Self.rootIptables() == before)
    }

    @Test("Sync replication, standby cut off: COMMIT waits in SyncRep unseen; a cancel returns it with the warning and shows it; a failover takes it back")
    func syncCommitWaitsCancelsAndIsLost() async throws {
        try await withCluster(Replication(standbys: 1, mode: .sync(.on))) { cluster in
            let setup = try await Self.connect(cluster.primary)
            defer { setup.close() }
            _ = try await setup.query("CREATE TABLE s (e int)", deadline: .after(.seconds(5)))
            _ = try await setup.query("INSERT INTO s VALUES (1)", phase: .commit, deadline: .after(.seconds(5)))
            let cut = cluster.replicationCut()
            try await cluster.apply(cut)

            let writer = try await Self.connect(cluster.primary)
            defer { writer.close() }
            _ = try await writer.query("BEGIN", deadline: .after(.seconds(5)))
            _ = try await writer.query("INSERT INTO s VALUES (2)", deadline: .after(.seconds(5)))
            let commit = Task { try await writer.query("COMMIT", phase: .commit, deadline: .after(.seconds(30))) }
            let waiting = try await Self.count(
                on: cluster.primary, "SELECT count(*) FROM pg_stat_activity WHERE pid = \(writer.backendPID) AND wait_event = 'SyncRep'", until: 1)
            #expect(waiting == 1, "the COMMIT waits for the standby")
            #expect(try await Self.count(on: cluster.primary, "SELECT count(*) FROM s WHERE e = 2") == 0, "a waiting commit is invisible")

            _ = try await setup.query("SELECT pg_cancel_backend(\(writer.backendPID))", deadline: .after(.seconds(5)))
            let result = try await commit.value
            #expect(result.commandTag == "COMMIT", "the client sees success")
            #expect(result.notices.contains { $0.severity == "WARNING" && $0.message.contains("canceling wait for synchronous replication") },
                    "notices: \(result.notices)")
            #expect(try await Self.count(on: cluster.primary, "SELECT count(*) FROM s WHERE e = 2") == 1, "after the cancel the row shows")

            let failover = try await cluster.failover()
            #expect(failover.oldPrimary == "n1")
            #expect(failover.newPrimary == "n2")
            #expect(cluster.primary.name == "n2")
            #expect(cluster.nodes[0].isFenced && cluster.nodes[0].serverPID == nil)
            await #expect(throws: ClusterError.self) { try await cluster.nodes[0].start() }
            let promoted = try await Self.connect(cluster.primary)
            defer { promoted.close() }
            _ = try await promoted.query("INSERT INTO s VALUES (3)", phase: .commit, deadline: .after(.seconds(5)))
            let elements = try await Self.rows(on: cluster.primary, "SELECT e FROM s ORDER BY e").map { $0[0] }
            #expect(elements == ["1", "3"], "the new primary lacks the row the old one showed")
            try await cluster.heal(cut)
            for node in cluster.nodes.dropFirst() {
                #expect(!(try await node.runInNetwork(.init(["iptables", "-S"])).stdout.contains("indoubt-")), "heal left rules on \(node.name)")
            }
        }
    }

    @Test("Failover promotes the standby that replayed the most")
    func failoverPicksTheFurthestStandby() async throws {
        try await withCluster(Replication(standbys: 2, mode: .async)) { cluster in
            let writer = try await Self.connect(cluster.primary)
            defer { writer.close() }
            _ = try await writer.query("CREATE TABLE s (e int)", deadline: .after(.seconds(5)))
            _ = try await Self.count(on: cluster.nodes[1], "SELECT count(*) FROM pg_class WHERE relname = 's'", until: 1)
            _ = try await Self.count(on: cluster.nodes[2], "SELECT count(*) FROM pg_class WHERE relname = 's'", until: 1)
            let cut = cluster.partition(between: [cluster.nodes[0]], and: [cluster.nodes[1]], name: "cut-n2")
            try await cluster.apply(cut)
            _ = try await writer.query("INSERT INTO s SELECT generate_series(1, 100)", phase: .commit, deadline: .after(.seconds(5)))
            #expect(try await Self.count(on: cluster.nodes[2], "SELECT count(*) FROM s", until: 100) == 100)
            let failover = try await cluster.failover()
            #expect(failover.newPrimary == "n3", "\(failover)")
            #expect(failover.replayPositions["n3"]! > failover.replayPositions["n2"]!)
            #expect(cluster.standbys.map(\.name) == ["n2"])
            #expect(failover.repointed == ["n2"] && failover.synchronousStandbyNames.isEmpty, "\(failover)")
            #expect(failover.description.contains("n2 now follow n3"), "\(failover)")
            // n2 missed the 100 rows from n1, and now gets them from n3, on n3's timeline.
            #expect(try await Self.count(on: cluster.nodes[1], "SELECT count(*) FROM s", until: 100) == 100)
            try await cluster.heal(cut)
        }
    }

    @Test("After a failover the other standbys follow the new primary, and a synchronous one still makes its COMMITs wait")
    func standbysFollowTheNewPrimary() async throws {
        try await withCluster(Replication(standbys: 2, mode: .sync(.on), quorum: .any(1))) { cluster in
            let setup = try await Self.connect(cluster.primary)
            _ = try await setup.query("CREATE TABLE s (e int)", deadline: .after(.seconds(5)))
            setup.close()
            let failover = try await cluster.failover()
            let (promoted, follower) = try #require(failover.newPrimary == "n2" ? (cluster.nodes[1], cluster.nodes[2]) : nil, "\(failover)")
            #expect(failover.repointed == ["n3"] && failover.synchronousStandbyNames == "ANY 1 (n3)", "\(failover)")
            #expect(try await Self.rows(on: promoted, "SHOW synchronous_standby_names") == [["ANY 1 (n3)"]])
            #expect(try await Self.rows(on: promoted, "SELECT application_name, state, sync_state FROM pg_stat_replication")
                    == [["n3", "streaming", "quorum"]])
            let writer = try await Self.connect(promoted)
            defer { writer.close() }
            _ = try await writer.query("INSERT INTO s VALUES (1)", phase: .commit, deadline: .after(.seconds(5)))
            #expect(try await Self.count(on: follower, "SELECT count(*) FROM s WHERE e = 1", until: 1) == 1)
            // The new primary's COMMIT waits for n3 as n1's waited for its standbys.
            let cut = cluster.replicationCut()
            try await cluster.apply(cut)
            _ = try await writer.query("BEGIN; INSERT INTO s VALUES (2)", deadline: .after(.seconds(5)))
            let commit = Task { try await writer.query("COMMIT", phase: .commit, deadline: .after(.seconds(30))) }
            #expect(try await Self.count(
                on: promoted, "SELECT count(*) FROM pg_stat_activity WHERE pid = \(writer.backendPID) AND wait_event = 'SyncRep'", until: 1) == 1)
            try await cluster.heal(cut)
            let result = try await commit.value
            #expect(result.commandTag == "COMMIT" && result.notices.isEmpty, "\(result.notices)")
            #expect(try await Self.count(on: follower, "SELECT count(*) FROM s WHERE e = 2", until: 1) == 1)
        }
    }

    @Test("Pause stops every process of a node; kill stops its postmaster, and teardown still removes everything")
    func pauseAndKill() async throws {
        try await withCluster(Replication(standbys: 1, mode: .async)) { cluster in
            let primary = cluster.primary
            let processes = try await primary.processes()
            #expect(processes.count > 3, "postmaster and its children: \(processes)")
            try await primary.pause(true)
            let paused = try await primary.processes()
            #expect(Set(processes).subtracting(paused).allSatisfy { Self.state(of: $0) == nil }, "a listed process is neither paused nor gone")
            #expect(paused.allSatisfy { Self.state(of: $0) == "T" }, "states: \(paused.map { Self.state(of: $0) ?? "-" })")
            try await primary.pause(false)
            #expect(paused.allSatisfy { Self.state(of: $0) != "T" })
            let postmaster = try #require(primary.serverPID)
            await primary.kill()
            #expect(primary.serverPID == nil)
            #expect(Self.state(of: postmaster) == nil)
        }
    }

    @Test("pause-primary: the paused primary answers nothing within a deadline, and again after the heal's SIGCONT of the same pids")
    func pausePrimaryFault() async throws {
        try await withCluster(Replication(standbys: 1, mode: .async)) { cluster in
            let before = try await cluster.primary.processes()
            let effect = try await cluster.applyTopologyFault(.pausePrimary)
            #expect(effect.node == "n1")
            let paused = before.filter { Self.state(of: $0) == "T" }
            #expect(!paused.isEmpty && paused.allSatisfy { effect.evidence?.contains(String($0)) == true }, "\(effect.evidence ?? "")")
            let began = ContinuousClock.now
            await #expect(throws: PostgresError.self) {
                let connection = try await PostgresConnection.connect(cluster.primary.connectionOptions(), deadline: .after(.milliseconds(500)))
                defer { connection.close() }
                _ = try await connection.query("SELECT 1", deadline: .after(.milliseconds(500)))
            }
            #expect(began.duration(to: .now) >= .milliseconds(450), "a paused server does not refuse: it does not answer")
            let heal = try await cluster.healTopologyFault(.pausePrimary)
            #expect(heal.evidence?.hasPrefix("SIGCONT to n1's pids") == true, "\(heal.evidence ?? "")")
            #expect(paused.allSatisfy { Self.state(of: $0) != "T" })
            #expect(try await Self.rows(on: cluster.primary, "SELECT 1") == [["1"]], "the resumed primary answers again")
        }
    }

    @Test("client-cut: the clients cannot reach the primary while its standby still streams from it; the heal lets them in again")
    func clientCutFault() async throws {
        try await withCluster(Replication(standbys: 1, mode: .sync(.on))) { cluster in
            let effect = try await cluster.applyTopologyFault(.clientCut)
            #expect(effect.evidence == "n1 drops \(cluster.clientAddress)", "\(effect.evidence ?? "")")
            await #expect(throws: PostgresError.self, "a client reaches the cut-off primary") {
                let connection = try await PostgresConnection.connect(cluster.primary.connectionOptions(), deadline: .after(.milliseconds(500)))
                connection.close()
            }
            let standby = try #require(cluster.standbys.first)
            #expect(try await Self.rows(on: standby, "SELECT status FROM pg_stat_wal_receiver") == [["streaming"]],
                    "the standby must keep streaming from the primary")
            #expect(!(try await standby.runInNetwork(.init(["iptables", "-S"])).stdout.contains("indoubt-")), "the standby got rules")
            _ = try await cluster.healTopologyFault(.clientCut)
            #expect(!(try await cluster.primary.runInNetwork(.init(["iptables", "-S"])).stdout.contains("indoubt-")), "the heal left rules")
            let writer = try await Self.connect(cluster.primary)
            defer { writer.close() }
            _ = try await writer.query("CREATE TABLE after_cut (e int); INSERT INTO after_cut VALUES (1)", phase: .commit, deadline: .after(.seconds(5)))
            #expect(try await Self.count(on: standby, "SELECT count(*) FROM after_cut", until: 1) == 1, "a synchronous commit after the heal")
        }
    }

    @Test("kill-primary: the killed primary never answers again, and a failover after it promotes the standby, which takes writes")
    func killPrimaryFault() async throws {
        try await withCluster(Replication(standbys: 1, mode: .async)) { cluster in
            let postmaster = try #require(cluster.primary.serverPID)
            let effect = try await cluster.applyTopologyFault(.killPrimary)
            #expect(effect.evidence == "SIGKILL to n1's postmaster, pid \(postmaster)")
            #expect(Self.state(of: postmaster) == nil)
            _ = try await cluster.healTopologyFault(.killPrimary)
            try await Task.sleep(for: .milliseconds(300))
            await #expect(throws: PostgresError.self, "a kill has no heal: the node stays down") {
                _ = try await Self.rows(on: cluster.nodes[0], "SELECT 1")
            }
            let failover = try await cluster.applyTopologyFault(.failover)
            #expect(failover.node == "n2")
            #expect(failover.promotionTime.map { $0 > .zero } == true)
            #expect(cluster.primary.name == "n2")
            let writer = try await Self.connect(cluster.primary)
            defer { writer.close() }
            _ = try await writer.query("CREATE TABLE after_kill (e int)", deadline: .after(.seconds(5)))
            _ = try await writer.query("INSERT INTO after_kill VALUES (1)", phase: .commit, deadline: .after(.seconds(5)))
            #expect(try await Self.count(on: cluster.primary, "SELECT count(*) FROM after_kill") == 1)
        }
    }

    // MARK: - Helpers

    /// Starts a replicated cluster, runs `body`, always shuts it down, then checks that the
    /// slot left nothing: namespaces, links, folders, processes.
    func withCluster(_ replication: Replication, _ body: (NamespaceCluster) async throws -> Void) async throws {
        try FaultEnvironment.decision().enforce()
        let cluster = try await NamespaceCluster.start(replication: replication, installation: try FaultEnvironment.installation())
        var failure: (any Error)?
        do { try await body(cluster) } catch { failure = error }
        await cluster.shutdown()
        let traces = CLIHarness.traces(ofOwner: getpid(), slot: cluster.slot)
        #expect(traces.isEmpty, "slot \(cluster.slot) left \(traces)")
        let namespaces = try await Command.run(["ip", "netns", "list"]).stdout
        let links = try await Command.run(["ip", "-o", "link"]).stdout
        for name in [Naming.bridgeNamespace(slot: cluster.slot, owner: getpid())] + cluster.nodes.map(\.namespace) {
            #expect(!namespaces.contains(name), "namespace \(name) left")
        }
        // The uplink is named by its slot alone: once released, the slot may already be
        // another process's (a CLI child of another test claimed it, seen in CI), and the
        // link of that name is then its. A claim is made before its links, so a link listed
        // above with no claim now is this cluster's.
        let uplink = Naming.uplink(slot: cluster.slot)
        let reclaimed = FileManager.default.fileExists(
            atPath: Naming.stateDirectory.appendingPathComponent("slots/\(cluster.slot)").path)
        #expect(reclaimed || (!links.contains(" \(uplink):") && !links.contains(" \(uplink)@")), "uplink \(uplink) left")
        #expect(!FileManager.default.fileExists(atPath: cluster.folder.path))
        if let failure { throw failure }
    }

    static func connect(_ node: PostgresNode) async throws -> PostgresConnection {
        try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
    }

    static func rows(on node: PostgresNode, _ sql: String) async throws -> [[String?]] {
        let connection = try await connect(node)
        defer { connection.close() }
        return try await connection.query(sql, deadline: .after(.seconds(5))).rows.map(\.values)
    }

    /// A `count(*)` on `node`; with `until`, polled (up to 10 s, errors included) until it reaches that value.
    static func count(on node: PostgresNode, _ sql: String, until wanted: Int? = nil) async throws -> Int {
        let deadline = Deadline.after(.seconds(10))
        while true {
            do {
                let value = Int(try await rows(on: node, sql).first?.first.flatMap { $0 } ?? "") ?? -1
                if wanted == nil || value == wanted || deadline.hasPassed { return value }
            } catch where wanted != nil && !deadline.hasPassed {
                // A standby may not have replayed the table's creation yet.
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The root namespace's rules, without packet counters (which move on their own).
    static func rootIptables() async throws -> String {
        let saved = try await Command.run(["iptables-save"]).stdout
        return saved.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.replacingOccurrences(of: #"\[\d+:\d+\]"#, with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }

    /// The state letter of `/proc/PID/stat` (`T` stopped), or `nil` when it is gone.
    static func state(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let state = stat[stat.index(after: close)...].dropFirst().prefix(1)
        return state == "Z" ? nil : String(state)
    }
}
