#if PostgresNIO
import InDoubt
import InDoubtTesting
import Logging
import PostgresNIO

/// What postgres-nio's own API does, called as an application calls it (no adapter): the
/// findings that docs/drivers.md reports with the driver's version. A finding is asserted as
/// found, so that an upstream fix turns its test red and gets noticed.
enum PostgresNIOFindings {
    /// D3 through `PostgresConnection.withTransaction`: the closure swallows a statement
    /// error, so the server answers `COMMIT` with `ROLLBACK`; postgres-nio 1.33.2 never looks
    /// at that tag and returns the closure's value as if the transaction had committed.
    static let withTransactionReportsSuccess = Claim(
        "D3 (postgres-nio 1.33.2): withTransaction returns success for a transaction whose COMMIT the server answered ROLLBACK"
    ) { claim in
        claim.expectEqual(DatabaseDriver.postgresNIO.version, "1.33.2", "the finding was measured on 1.33.2: measure it again")
        _ = try await claim.query("DROP TABLE IF EXISTS d3_with_transaction; CREATE TABLE d3_with_transaction (x int)")
        let options = claim.server.connectionOptions(applicationName: "claim-d3-with-transaction")
        let configuration = PostgresNIO.PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.user, password: nil, database: options.database,
            tls: .disable)
        var logger = Logger(label: "claim.postgres-nio")
        logger.logLevel = .critical
        let connection = try await PostgresNIO.PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
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
