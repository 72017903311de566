import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Every PostgreSQL installation the harness finds (Debian's 15; 16, 17 and 18 from
/// `ci/install-postgres.sh`; anything in `INDOUBT_PG_PATHS`) starts in a namespace, reports
/// the version it was found as, takes a transaction, answers the transaction-status query
/// and the two-phase commit that the claims rely on, and leaves nothing behind.
///
/// One cluster at a time, so as not to load the machine under the timing-sensitive claims.
@Suite("Every installed PostgreSQL version", .serialized)
struct VersionsTests {
    static let installations = PostgresInstallation.discover()

    @Test("Installations are found (run bash ci/install-postgres.sh for 16, 17 and 18)")
    func found() throws {
        try requireHarness()
        #expect(!Self.installations.isEmpty)
        if ProcessInfo.processInfo.environment["INDOUBT_REQUIRE_VERSIONS"] == "1" {
            // CI installs all four: one missing would silently drop its test case.
            let majors = Set(Self.installations.map(\.major))
            #expect(majors.isSuperset(of: [15, 16, 17, 18]), "found only \(majors.sorted())")
        }
    }

    @Test("Starts in a namespace, is the version it was found as, commits, and leaves nothing behind",
          arguments: installations)
    func startsAndCommits(installation: PostgresInstallation) async throws {
        try requireHarness()
        let cluster = try await NamespaceCluster.start(
            installation: installation, settings: ["max_prepared_transactions": "4"])
        do {
            try await exercise(cluster.nodes[0], installation: installation)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        // Nothing of this process's may be left in the slot (another cluster on this machine
        // may have claimed the slot since).
        let traces = CLIHarness.traces(ofOwner: getpid(), slot: cluster.slot)
        #expect(traces.isEmpty, "slot \(cluster.slot) left \(traces)")
        #expect(cluster.nodes.allSatisfy { $0.serverPID == nil })
    }

    private func exercise(_ node: PostgresNode, installation: PostgresInstallation) async throws {
        let connection = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { connection.close() }
        let version = try #require(try await connection.query("SELECT version()", deadline: .after(.seconds(5))).rows.first?.string(0))
        #expect(version.hasPrefix("PostgreSQL \(installation.version)"), "version() says \(version)")
        let number = try #require(try await connection.query("SHOW server_version_num", deadline: .after(.seconds(5))).rows.first?.int(0))
        #expect(number / 10_000 == installation.major)

        _ = try await connection.query("CREATE TABLE versions_check (element int NOT NULL)", deadline: .after(.seconds(5)))
        _ = try await connection.query("BEGIN", deadline: .after(.seconds(5)))
        let insert = try await connection.query("INSERT INTO versions_check VALUES (1)", deadline: .after(.seconds(5)))
        #expect(insert.commandTag == "INSERT 0 1")
        // The transaction-status claim's query: pg_current_xact_id and pg_xact_status from
        // 13 on (txid_current and txid_status before).
        let xid = try #require(try await connection.query("SELECT pg_current_xact_id()::text", deadline: .after(.seconds(5))).rows.first?.string(0))
        let commit = try await connection.query("COMMIT", phase: .commit, deadline: .after(.seconds(5)))
        #expect(commit.commandTag == "COMMIT")

        let reader = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
        defer { reader.close() }
        let rows = try await reader.query("SELECT element FROM versions_check", deadline: .after(.seconds(5))).rows
        #expect(try rows.map { try $0.int(0) } == [1])
        let status = try await reader.query("SELECT pg_xact_status($1::xid8)", [xid], deadline: .after(.seconds(5)))
        #expect(status.rows.first?.string(0) == "committed")

        // Two-phase commit (the last mitigation) with the setting the harness raises.
        _ = try await connection.query("BEGIN", deadline: .after(.seconds(5)))
        _ = try await connection.query("INSERT INTO versions_check VALUES (2)", deadline: .after(.seconds(5)))
        _ = try await connection.query("PREPARE TRANSACTION 'versions-check'", deadline: .after(.seconds(5)))
        let prepared = try await reader.query("SELECT gid FROM pg_prepared_xacts", deadline: .after(.seconds(5))).rows
        #expect(prepared.map { $0.string(0) } == ["versions-check"])
        _ = try await reader.query("COMMIT PREPARED 'versions-check'", deadline: .after(.seconds(5)))
        let count = try await reader.query("SELECT count(*) FROM versions_check", deadline: .after(.seconds(5)))
        #expect(try count.rows.first?.int(0) == 2)
    }

    private func requireHarness() throws {
        try FaultEnvironment.decision().enforce()
    }
}
