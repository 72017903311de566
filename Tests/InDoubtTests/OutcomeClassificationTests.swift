import InDoubt
import Testing

@Suite("An error is classified by what the client had sent")
struct OutcomeClassificationTests {
    /// SQLSTATEs whose `ERROR` on COMMIT means the transaction rolled back.
    static let rollbackStates = [
        "40000", "40001", "40002", "40P01", "25P02",
        "23000", "23001", "23502", "23503", "23505", "23514", "23P01",
    ]

    static func serverError(_ state: String?, _ severity: String?, sent: SentPhase = .commit) -> PostgresError {
        PostgresError(kind: .server, sqlState: state, severity: severity, message: "made up", sent: sent)
    }

    @Test("Nothing or only statements sent: definitely failed", arguments: [SentPhase.nothing, .statement])
    func beforeCommitIsFail(phase: SentPhase) {
        for kind in [PostgresError.Kind.connect, .timeout, .connectionLost, .closed, .client, .rolledBack, .notReplicated] {
            let error = PostgresError(kind: kind, message: "server closed the connection unexpectedly", sent: phase)
            #expect(OutcomeClassifier.classify(error) == .fail, "\(kind)")
        }
        for (state, severity) in [("23505", "ERROR"), ("42P01", "ERROR"), ("57P01", "FATAL"), ("XX000", "PANIC"), ("40003", "ERROR")] {
            #expect(OutcomeClassifier.classify(Self.serverError(state, severity, sent: phase)) == .fail, "\(state) \(severity)")
        }
    }

    @Test("Connection lost or deadline passed after COMMIT was sent: indeterminate",
          arguments: [PostgresError.Kind.timeout, .connectionLost, .closed, .client, .connect])
    func lostAfterCommitIsInfo(kind: PostgresError.Kind) {
        let error = PostgresError(kind: kind, message: "could not receive data from server", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
    }

    @Test("A server ERROR on COMMIT known to roll back is a failure", arguments: rollbackStates)
    func rollbackOnCommitIsFail(state: String) {
        #expect(OutcomeClassifier.classify(Self.serverError(state, "ERROR")) == .fail)
    }

    @Test("The same SQLSTATE at FATAL or PANIC ends the session, maybe after the commit record: indeterminate",
          arguments: rollbackStates)
    func fatalRollbackStateIsInfo(state: String) {
        #expect(OutcomeClassifier.classify(Self.serverError(state, "FATAL")) == .info)
        #expect(OutcomeClassifier.classify(Self.serverError(state, "PANIC")) == .info)
        #expect(OutcomeClassifier.classify(Self.serverError(state, nil)) == .info, "no severity: unknown")
    }

    @Test("Any other server error on COMMIT says nothing certain: indeterminate",
          arguments: ["40003", "57P01", "57014", "08006", "08003", "58030", "XX000", "53200", "42P01", "22012", "0A000", "P0001"])
    func otherServerErrorOnCommitIsInfo(state: String) {
        #expect(OutcomeClassifier.classify(Self.serverError(state, "ERROR")) == .info)
        #expect(OutcomeClassifier.classify(Self.serverError(state, "FATAL")) == .info)
    }

    @Test("libpq's own errors carry no SQLSTATE and are not read as server answers")
    func noSQLStateAfterCommitIsInfo() {
        #expect(OutcomeClassifier.classify(Self.serverError(nil, "ERROR")) == .info)
        #expect(OutcomeClassifier.classify(Self.serverError("4000", "ERROR")) == .info, "not a SQLSTATE")
    }

    @Test("COMMIT answered ROLLBACK is a failure")
    func rolledBackIsFail() {
        let error = PostgresError(kind: .rolledBack, message: "the server answered COMMIT with the tag ROLLBACK", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .fail)
    }

    @Test("The tag check: ROLLBACK is rolledBack (fail), the expected tag passes, anything else is unknown")
    func tagCheck() throws {
        #expect(throws: Never.self) {
            try TransactionEnd.verify(QueryResult(commandTags: ["COMMIT"]), expectedTag: "COMMIT", statement: "COMMIT")
        }
        let rolledBack = try #require(throws: PostgresError.self) {
            try TransactionEnd.verify(QueryResult(commandTags: ["ROLLBACK"]), expectedTag: "COMMIT", statement: "COMMIT")
        }
        #expect(rolledBack.kind == .rolledBack)
        #expect(rolledBack.sent == .commit)
        #expect(rolledBack.message.contains("ROLLBACK"))
        #expect(OutcomeClassifier.classify(rolledBack) == .fail)

        let prepare = try #require(throws: PostgresError.self) {
            try TransactionEnd.verify(
                QueryResult(commandTags: ["ROLLBACK"]), expectedTag: "PREPARE TRANSACTION", statement: "PREPARE TRANSACTION 'g'")
        }
        #expect(prepare.kind == .rolledBack)
        #expect(prepare.statement == "PREPARE TRANSACTION 'g'")

        for tags in [["SELECT 1"], []] {
            let odd = try #require(throws: PostgresError.self) {
                try TransactionEnd.verify(QueryResult(commandTags: tags), expectedTag: "COMMIT", statement: "COMMIT")
            }
            #expect(odd.kind == .client)
            #expect(OutcomeClassifier.classify(odd) == .info, "\(tags)")
        }
    }

    @Test("A COMMIT tag with the warning that the wait for the synchronous standby was cancelled is unknown, never ok")
    func cancelledReplicationWaitIsInfo() throws {
        let warnings = [
            PostgresNotice(severity: "WARNING", sqlState: "01000",
                           message: "canceling wait for synchronous replication due to user request"),
            PostgresNotice(severity: "WARNING", sqlState: "57P01",
                           message: "canceling the wait for synchronous replication and terminating connection due to administrator command"),
        ]
        for warning in warnings {
            for (tag, statement) in [("COMMIT", "COMMIT"), ("PREPARE TRANSACTION", "PREPARE TRANSACTION 'g'"), ("COMMIT PREPARED", "COMMIT PREPARED 'g'")] {
                let error = try #require(throws: PostgresError.self) {
                    try TransactionEnd.verify(QueryResult(commandTags: [tag], notices: [warning]), expectedTag: tag, statement: statement)
                }
                #expect(error.kind == .notReplicated)
                #expect(error.sqlState == warning.sqlState)
                #expect(error.sent == .commit)
                #expect(error.message.contains(warning.message))
                #expect(OutcomeClassifier.classify(error) == .info, "\(tag) with \(warning.sqlState)")
            }
        }
        // Other warnings leave the acknowledgement alone: the re-sent COMMIT's 25P01 is the
        // COMMIT-retry trap's own business, and a NOTICE is not a warning.
        for notice in [
            PostgresNotice(severity: "WARNING", sqlState: "25P01", message: "there is no transaction in progress"),
            PostgresNotice(severity: "NOTICE", sqlState: "01000", message: "canceling wait for synchronous replication due to user request"),
        ] {
            #expect(throws: Never.self) {
                try TransactionEnd.verify(QueryResult(commandTags: ["COMMIT"], notices: [notice]), expectedTag: "COMMIT", statement: "COMMIT")
            }
        }
    }

    @Test("The error's description names the severity, the SQLSTATE, what was sent and the statement")
    func descriptionCarriesContext() {
        let error = PostgresError(
            kind: .server, sqlState: "40001", severity: "ERROR", message: "could not serialize", sent: .commit, statement: "COMMIT")
        #expect(error.description == "server ERROR [40001]: could not serialize (sent: commit, statement: COMMIT)")
        let noSeverity = PostgresError(kind: .server, sqlState: "40001", message: "could not serialize", sent: .commit)
        #expect(noSeverity.description == "server [40001]: could not serialize (sent: commit)")
    }
}
