import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The foundation the claims stand on: a node takes writes, the client's deadline holds
/// when replies vanish, clusters are isolated, and nothing is left behind.
@Suite("PostgreSQL nodes in network namespaces", .serialized, .namespaceCluster())
struct NodeTests {
    @Test("A node takes a write that a second connection reads back")
    func writeIsReadBack() async throws {
        let node = try ClusterFixture.require().nodes[0]
        let writer = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { writer.close() }
        _ = try await writer.query("CREATE TABLE IF NOT EXISTS readback (element int NOT NULL)", deadline: .after(.seconds(5)))
        _ = try await writer.query("BEGIN", deadline: .after(.seconds(5)))
        let insert = try await writer.query("INSERT INTO readback VALUES ($1)", ["42"], deadline: .after(.seconds(5)))
        #expect(insert.commandTag == "INSERT 0 1")
        let commit = try await writer.query("COMMIT", phase: .commit, deadline: .after(.seconds(5)))
        #expect(commit.commandTag == "COMMIT")

        let reader = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { reader.close() }
        #expect(reader.backendPID != writer.backendPID)
        let rows = try await reader.query("SELECT element FROM readback", deadline: .after(.seconds(5))).rows
        #expect(try rows.map { try $0.int(0) } == [42])
    }

    @Test("With replies dropped and TCP timeouts off, a call returns at its deadline, not after a TCP timeout")
    func deadlineHoldsWhenRepliesVanish() async throws {
        let node = try ClusterFixture.require().nodes[0]
        var options = node.connectionOptions()
        options.keepalives = .off
        options.tcpUserTimeoutMilliseconds = nil
        let connection = try await PostgresConnection.connect(options, deadline: .after(.seconds(5)))
        _ = try await connection.query("SELECT 1", deadline: .after(.seconds(5)))
        let fault = node.fault(.dropReplies)
        try await node.apply(fault)
        let started = ContinuousClock.now
        var caught: PostgresError?
        do {
            _ = try await connection.query("SELECT pg_sleep(0)", deadline: .after(.milliseconds(500)))
        } catch let error as PostgresError {
            caught = error
        }
        let elapsed = started.duration(to: .now)
        try await node.heal(fault)
        #expect(caught?.kind == .timeout)
        #expect(caught?.sent == .statement)
        #expect(elapsed >= .milliseconds(500))
        #expect(elapsed < .milliseconds(1500), "returned after \(elapsed), not near its 0.5 s deadline")
        #expect(!connection.isUsable, "a connection is abandoned after its deadline, never reused")

        // After healing, a new connection works again: the heal removed exactly the rule.
        let fresh = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { fresh.close() }
        #expect(try await fresh.query("SELECT 1", deadline: .after(.seconds(5))).rows.first?.int(0) == 1)
        let rules = try await node.runInNetwork(.init(["iptables", "-S"])).stdout
        #expect(!rules.contains("indoubt-"), "rules left after heal: \(rules)")
    }

    @Test("A COMMIT whose reply is dropped ends as indeterminate, and the row is there")
    func lostCommitAckIsIndeterminate() async throws {
        let node = try ClusterFixture.require().nodes[0]
        let setup = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { setup.close() }
        _ = try await setup.query("CREATE TABLE IF NOT EXISTS ack_lost (element int NOT NULL)", deadline: .after(.seconds(5)))

        let connection = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        _ = try await connection.query("BEGIN", deadline: .after(.seconds(5)))
        _ = try await connection.query("INSERT INTO ack_lost VALUES (7)", deadline: .after(.seconds(5)))
        let fault = node.fault(.dropCommitAck)
        try await node.apply(fault)
        var caught: PostgresError?
        do {
            _ = try await connection.query("COMMIT", phase: .commit, deadline: .after(.milliseconds(700)))
        } catch let error as PostgresError {
            caught = error
        }
        try await node.heal(fault)
        let error = try #require(caught)
        #expect(error.sent == .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
        let count = try await setup.query("SELECT count(*) FROM ack_lost WHERE element = 7", deadline: .after(.seconds(5)))
        #expect(try count.rows.first?.int(0) == 1, "the client saw an error, yet the write committed")
    }
}

@Suite("Cluster isolation and hygiene")
struct ClusterHygieneTests {
    @Test("Two clusters run at once without cross-talk, and leave nothing behind")
    func twoClustersAtOnce() async throws {
        try FaultEnvironment.decision().enforce()
        let installation = try FaultEnvironment.installation()
        async let startA = NamespaceCluster.start(installation: installation)
        async let startB = NamespaceCluster.start(installation: installation)
        let (a, b) = try await (startA, startB)
        do {
            #expect(a.slot != b.slot)
            #expect(a.nodes[0].address != b.nodes[0].address)
            #expect(a.nodes[0].namespace != b.nodes[0].namespace)
            for (cluster, mark) in [(a, "a"), (b, "b")] {
                let connection = try await PostgresConnection.connect(cluster.nodes[0].connectionOptions(), deadline: .after(.seconds(5)))
                _ = try await connection.query("CREATE TABLE mark (cluster text)", deadline: .after(.seconds(5)))
                _ = try await connection.query("INSERT INTO mark VALUES ($1)", [mark], deadline: .after(.seconds(5)))
                connection.close()
            }
            // A partition of A leaves B untouched.
            let fault = a.nodes[0].fault(.partition)
            try await a.nodes[0].apply(fault)
            let readB = try await PostgresConnection.connect(b.nodes[0].connectionOptions(), deadline: .after(.seconds(3)))
            let marks = try await readB.query("SELECT cluster FROM mark", deadline: .after(.seconds(3))).rows.map { $0.string(0) }
            readB.close()
            #expect(marks == ["b"])
            await #expect(throws: PostgresError.self) {
                _ = try await PostgresConnection.connect(a.nodes[0].connectionOptions(), deadline: .after(.milliseconds(300)))
            }
            try await a.nodes[0].heal(fault)
        } catch {
            await a.shutdown()
            await b.shutdown()
            throw error
        }
        await a.shutdown()
        await b.shutdown()
        for slot in [a.slot, b.slot] {
            let traces = CLIHarness.traces(ofOwner: getpid(), slot: slot)
            #expect(traces.isEmpty, "slot \(slot) left \(traces)")
        }
    }
}
