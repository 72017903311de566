import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The compose file's replication profile: a primary and a streaming standby, each with its
/// own sidecar; the topology faults act in the sidecars (never on the host's firewall), and
/// a failover points the target at the standby's published port. Without Docker these skip
/// (they fail with `INDOUBT_REQUIRE_FAULTS=1` and `INDOUBT_BACKEND=compose`). (Not called
/// `ComposeReplicationTests`: `--filter ReplicationTests`, the namespace suite, would match
/// it, and its containers change the host's iptables while that suite checks they do not.)
@Suite("Docker Compose replication profile", .serialized)
struct ComposeReplicationProfileTests {
    /// Starts a replicated project, runs `body`, removes the project and checks that nothing
    /// of it is left.
    static func withCluster(_ mode: Replication.Mode, _ body: (ComposeCluster) async throws -> Void) async throws {
        try await FaultEnvironment.decision(for: ComposeBackend.self).enforce()
        let cluster = try await ComposeCluster.start(replication: Replication(standbys: 1, mode: mode))
        do {
            try await body(cluster)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        let project = cluster.project
        let traces = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: ComposeReaper.traces(ofProject: project.name, docker: project.docker)) }
        }
        #expect(traces.isEmpty, "\(project.name) left \(traces)")
    }

    static func query(_ node: ComposeNode, _ sql: String, _ parameters: [String] = [], within: Duration = .seconds(5)) async throws -> [String?] {
        let connection = try await PostgresConnection.connect(node.connectionOptions(applicationName: "indoubt-test"), deadline: .after(within))
        defer { connection.close() }
        return try await connection.query(sql, parameters, deadline: .after(within)).rows.map { $0.string(0) }
    }

    /// Polls `node` until `sql` returns `expected`, or `within` passes; returns the last answer.
    static func eventually(_ node: ComposeNode, _ sql: String, is expected: [String?], within: Duration = .seconds(5)) async throws -> [String?] {
        let deadline = Deadline.after(within)
        var last: [String?] = []
        while !deadline.hasPassed {
            // An error (the table not replayed yet) is an answer that is not the expected one.
            last = (try? await query(node, sql)) ?? []
            if last == expected { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        return last
    }

    static func rules(_ node: ComposeNode) async throws -> String {
        try await node.runInNetwork(Command.Invocation(["iptables", "-S"])).stdout
    }

    @Test("n2 streams from n1 as a synchronous standby, on a port of its own on 127.0.0.1, with a sidecar of its own")
    func standbyStreams() async throws {
        try await Self.withCluster(.sync(.on)) { cluster in
            let (primary, standby) = (cluster.nodes[0], cluster.nodes[1])
            #expect(cluster.primaryName == "n1")
            #expect(standby.service == "standby")
            #expect(primary.hostPort != standby.hostPort)
            #expect(primary.sidecarContainer != standby.sidecarContainer)
            #expect(primary.networkAddress != nil && standby.networkAddress != nil && primary.networkAddress != standby.networkAddress)
            #expect(try await Self.query(primary, "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication")
                    == ["n2 streaming quorum"])
            #expect(try await Self.query(standby, "SELECT pg_is_in_recovery()::text") == ["true"])
            _ = try await Self.query(primary, "CREATE TABLE replicated (element int)")
            _ = try await Self.query(primary, "INSERT INTO replicated VALUES (7)")
            // Synchronous (on): flushed on n2 when n1 acknowledged; applied a moment later.
            #expect(try await Self.eventually(standby, "SELECT element::text FROM replicated", is: ["7"]) == ["7"])
            let me = ProcessIdentity.current
            for container in [standby.postgresContainer, standby.sidecarContainer] {
                let label = try await Command.run([cluster.project.docker, "inspect", "--format",
                                                   "{{index .Config.Labels \"indoubt.owner.pid\"}}", container]).stdout
                #expect(label.trimmingCharacters(in: .whitespacesAndNewlines) == String(me.pid))
            }
        }
    }

    @Test("A replication cut drops the other node's address in both sidecars, holds back the standby, and heals exactly; the host has no rule of it")
    func replicationCutInBothSidecars() async throws {
        try await Self.withCluster(.async) { cluster in
            let (primary, standby) = (cluster.nodes[0], cluster.nodes[1])
            let before = try await (Self.rules(primary), Self.rules(standby))
            _ = try await Self.query(primary, "CREATE TABLE cut (element int)")
            _ = try await Self.eventually(standby, "SELECT count(*)::text FROM cut", is: ["0"])
            let effect = try await cluster.applyTopologyFault(.replicationCut)
            #expect(effect.evidence == "n1 drops \(standby.networkAddress!); n2 drops \(primary.networkAddress!)")
            #expect(effect.nodes == ["n1", "n2"], "the timeline's node lanes need both ends")
            #expect(try await Self.rules(primary).contains("-A OUTPUT -d \(standby.networkAddress!)/32 -m comment --comment indoubt-replication-cut -j DROP"))
            #expect(try await Self.rules(standby).contains("-A INPUT -s \(primary.networkAddress!)/32 -m comment --comment indoubt-replication-cut -j DROP"))
            let host = try await Command.run(["iptables-save"], check: false).stdout
            #expect(!host.contains("indoubt-replication-cut"), "a rule reached the host's firewall")
            // Asynchronous: n1 acknowledges, n2 never sees it while the link is cut.
            _ = try await Self.query(primary, "INSERT INTO cut VALUES (1)")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await Self.query(standby, "SELECT count(*)::text FROM cut") == ["0"])
            _ = try await cluster.healTopologyFault(.replicationCut)
            #expect(try await (Self.rules(primary), Self.rules(standby)) == before)
            #expect(try await Self.eventually(standby, "SELECT count(*)::text FROM cut", is: ["1"], within: .seconds(15)) == ["1"])
        }
    }

    @Test("pause-primary freezes n1 and its heal resumes it; kill-primary stops it; the failover promotes n2, the target follows its port, and n1 stays down")
    func nodeFaultsAndFailover() async throws {
        try await Self.withCluster(.async) { cluster in
            let (primary, standby) = (cluster.nodes[0], cluster.nodes[1])
            let paused = try await cluster.applyTopologyFault(.pausePrimary)
            #expect(paused.node == "n1" && paused.nodes == ["n1"])
            await #expect(throws: PostgresError.self) { _ = try await Self.query(primary, "SELECT 1", within: .milliseconds(500)) }
            let resumed = try await cluster.healTopologyFault(.pausePrimary)
            #expect(resumed.evidence?.contains("docker unpause of n1") == true)
            #expect(try await Self.query(primary, "SELECT 1::text") == ["1"])
            let killed = try await cluster.applyTopologyFault(.killPrimary)
            #expect(killed.node == "n1" && killed.nodes == ["n1"])
            await #expect(throws: PostgresError.self) { _ = try await Self.query(primary, "SELECT 1", within: .milliseconds(500)) }
            let failover = try await cluster.applyTopologyFault(.failover)
            #expect(failover.node == "n2" && failover.nodes == ["n1", "n2"], "fenced, then promoted: \(failover.nodes)")
            #expect(failover.evidence?.hasPrefix("n1 fenced, n2 promoted in") == true, "\(failover.evidence ?? "")")
            #expect(failover.promotionTime.map { $0 < .seconds(10) } == true)
            #expect(cluster.primaryName == "n2")
            #expect(cluster.targetName == "n2")
            #expect(cluster.connectionOptions(applicationName: "x").port == standby.hostPort)
            #expect(cluster.standbys.isEmpty)
            #expect(cluster.isFenced(primary))
            #expect(try await Self.query(standby, "SELECT pg_is_in_recovery()::text") == ["false"])
            #expect(try await primary.state() == "exited")
        }
    }
}
