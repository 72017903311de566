import InDoubt
import InDoubtTesting
import XCTest

/// The same foundation, through the XCTest fixture.
final class NodeXCTests: ClusterTestCase {
    func testNodeTakesAWriteThatASecondConnectionReadsBack() async throws {
        let node = try cluster.nodes[0]
        let writer = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { writer.close() }
        _ = try await writer.query("CREATE TABLE t (element int)", deadline: .after(.seconds(5)))
        _ = try await writer.query("INSERT INTO t VALUES (1), (2)", phase: .commit, deadline: .after(.seconds(5)))
        let reader = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { reader.close() }
        let rows = try await reader.query("SELECT element FROM t ORDER BY element", deadline: .after(.seconds(5))).rows
        XCTAssertEqual(try rows.map { try $0.int(0) }, [1, 2])
    }

    func testCallAgainstDroppedRepliesReturnsNearItsDeadline() async throws {
        let node = try cluster.nodes[0]
        var options = node.connectionOptions()
        options.keepalives = .off
        options.tcpUserTimeoutMilliseconds = nil
        let connection = try await PostgresConnection.connect(options, deadline: .after(.seconds(5)))
        try await node.apply(node.fault(.dropReplies))
        let started = ContinuousClock.now
        do {
            _ = try await connection.query("SELECT 1", deadline: .after(.milliseconds(400)))
            XCTFail("a query whose reply was dropped returned a result")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .timeout)
        }
        let elapsed = started.duration(to: .now)
        try await node.heal(node.fault(.dropReplies))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(400))
        XCTAssertLessThan(elapsed, .milliseconds(1400), "returned after \(elapsed), not near its deadline")
    }

    func testShutdownLeavesNothingBehind() async throws {
        let slot = try cluster.slot
        XCTAssertFalse(Reaper.traces(ofSlot: slot).namespaces.isEmpty, "a running cluster has its namespace")
        try await cluster.shutdown()
        let traces = CLIHarness.traces(ofOwner: getpid(), slot: slot)
        XCTAssertTrue(traces.isEmpty, "slot \(slot) left \(traces)")
    }
}
