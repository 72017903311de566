#if PostgresNIO
import InDoubt
import InDoubtTesting
import Logging
import PostgresNIO
import Synchronization

/// What postgres-nio's own API does, called as an application calls it (no adapter): the
/// findings that docs/drivers.md reports with the driver's version. A finding is asserted as
/// found, so that an upstream fix turns its test red and gets noticed.
enum PostgresNIOFindings {
    /// D1 without the adapter: postgres-nio 1.33.2 has no per-query deadline. A COMMIT whose
    /// acknowledgement is dropped (drop-commit-ack, 2 s) is still pending 1.5 s later, three
    /// times the 500 ms the harness's clients allow, and completes, successfully, only when the
    /// server's TCP retransmits the reply after the heal. (Behind a proxy that acknowledges the
    /// bytes, such as Docker's, nothing would retransmit: not measured here.)
    static let noDeadlineOfItsOwn = Claim(
        "D1 (postgres-nio 1.33.2): without a wrapper, a call whose COMMIT acknowledgement is lost waits out the fault"
    ) { claim in
        _ = try await claim.query("DROP TABLE IF EXISTS d1_raw; CREATE TABLE d1_raw (x int)")
        let (connection, logger) = try await connect(claim, applicationName: "claim-d1-raw")
        let frozenLogger = logger
        try await connection.query("BEGIN", logger: logger)
        try await connection.query("INSERT INTO d1_raw VALUES (1)", logger: logger)
        let fault = claim.server.fault(.dropCommitAck)
        try await claim.server.apply(fault)
        let started = ContinuousClock.now
        let ended = EndFlag()
        let commit = Task { () -> Duration in
            defer { ended.set() }
            try await connection.query("COMMIT", logger: frozenLogger)
            return started.duration(to: .now)
        }
        try await Task.sleep(for: .milliseconds(1500))
        // The call has no timeout of its own: look at it rather than await it before the heal.
        let settledEarly = ended.isSet
        try await Task.sleep(for: .milliseconds(500))
        try await claim.server.heal(fault)
        let outcome = await commit.result
        try await connection.close()
        claim.expect(!settledEarly, "the COMMIT call ended before the heal: postgres-nio has a deadline now?")
        switch outcome {
        case .success(let took):
            print("D1 (postgres-nio, no wrapper): COMMIT returned success after \(took)")
            claim.expect(took >= .seconds(2), "the call took \(took)")
        case .failure(let error):
            claim.expect(false, "the COMMIT call failed: \(String(reflecting: error))")
        }
        let rows = try await claim.query("SELECT count(*) FROM d1_raw")
        claim.expectEqual(try rows.first?.int(0), 1, "the COMMIT did not apply")
    }

    /// A postgres-nio connection to the claim's server, opened as an application opens one
    /// (no adapter), carrying `applicationName`; and a logger that stays quiet.
    static func connect(_ claim: ClaimContext, applicationName: String) async throws
        -> (PostgresNIO.PostgresConnection, Logger) {
        let options = claim.server.connectionOptions(applicationName: applicationName)
        var configuration = PostgresNIO.PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.user, password: nil, database: options.database,
            tls: .disable)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        var logger = Logger(label: "claim.postgres-nio")
        logger.logLevel = .critical
        let connection = try await PostgresNIO.PostgresConnection.connect(
            configuration: configuration, id: connectionIDs.wrappingAdd(1, ordering: .relaxed).oldValue, logger: logger)
        return (connection, logger)
    }

    private static let connectionIDs = Atomic<Int>(1)

    /// Set once a call has ended, read from another task.
    final class EndFlag: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var isSet: Bool { flag.withLock { $0 } }
    }

    /// D3 through `PostgresConnection.withTransaction`: the closure swallows a statement
    /// error, so the server answers `COMMIT` with `ROLLBACK`; postgres-nio 1.33.2 never looks
    /// at that tag and returns the closure's value as if the transaction had committed.
    static let withTransactionReportsSuccess = Claim(
        "D3 (postgres-nio 1.33.2): withTransaction returns success for a transaction whose COMMIT the server answered ROLLBACK"
    ) { claim in
        claim.expectEqual(DatabaseDriver.postgresNIO.version, "1.33.2", "the finding was measured on 1.33.2: measure it again")
        _ = try await claim.query("DROP TABLE IF EXISTS d3_with_transaction; CREATE TABLE d3_with_transaction (x int)")
        let (connection, logger) = try await connect(claim, applicationName: "claim-d3-with-transaction")
        var swallowedError = false
        var returned: String?
        var thrown: (any Error)?
        do {
            returned = try await connection.withTransaction(logger: logger) { transaction in
                try await transaction.query("INSERT INTO d3_with_transaction VALUES (1)", logger: logger)
                do {
                    try await transaction.query("SELECT 1/0", logger: logger)
                } catch {
                    swallowedError = true  // as an application's `catch {}` would
                }
                return "committed, says the closure"
            }
        } catch {
            thrown = error
        }
        try await connection.close()
        claim.expect(swallowedError, "the statement error did not happen")
        let rows = try await claim.query("SELECT count(*) FROM d3_with_transaction")
        claim.expectEqual(try rows.first?.int(0), 0, "the row is in the table: the transaction did commit")
        // The finding: success, for a transaction that rolled back.
        claim.expectEqual(returned, "committed, says the closure",
                          "postgres-nio 1.33.2 returned success here; now it throws \(thrown.map { String(reflecting: $0) } ?? "nothing"): the finding is gone, update docs/drivers.md")
        claim.expect(thrown == nil, "withTransaction threw \(String(reflecting: thrown))")
    }
}
#endif
