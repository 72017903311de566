import InDoubt
import Testing

@Suite("An error is classified by what the client had sent")
struct OutcomeClassificationTests {
    @Test("Nothing or only statements sent: definitely failed", arguments: [SentPhase.nothing, .statement])
    func beforeCommitIsFail(phase: SentPhase) {
        for kind in [PostgresError.Kind.connect, .timeout, .connectionLost, .closed, .client] {
            let error = PostgresError(kind: kind, message: "server closed the connection unexpectedly", sent: phase)
            #expect(OutcomeClassifier.classify(error) == .fail)
        }
        let serverError = PostgresError(kind: .server, sqlState: "23505", message: "duplicate key", sent: phase)
        #expect(OutcomeClassifier.classify(serverError) == .fail)
    }

    @Test("Connection lost or deadline passed after COMMIT was sent: indeterminate",
          arguments: [PostgresError.Kind.timeout, .connectionLost, .closed, .client])
    func lostAfterCommitIsInfo(kind: PostgresError.Kind) {
        let error = PostgresError(kind: kind, message: "could not receive data from server", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
    }

    @Test("A server error on COMMIT that rolls back is a failure",
          arguments: ["40001", "40P01", "23505", "25P02", "42P01"])
    func rollbackOnCommitIsFail(state: String) {
        let error = PostgresError(kind: .server, sqlState: state, message: "could not serialize access", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .fail)
    }

    @Test("A server error on COMMIT that says nothing about the outcome is indeterminate",
          arguments: ["57P01", "08006", "08003", "58030", "XX000"])
    func ambiguousServerErrorOnCommitIsInfo(state: String) {
        let error = PostgresError(kind: .server, sqlState: state, message: "terminating connection", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
    }

    @Test("libpq's own errors carry no SQLSTATE and are not read as server answers")
    func noSQLStateAfterCommitIsInfo() {
        let error = PostgresError(kind: .server, sqlState: nil, message: "server closed the connection", sent: .commit)
        #expect(OutcomeClassifier.classify(error) == .info)
    }

    @Test("The error's description names the SQLSTATE, what was sent and the statement")
    func descriptionCarriesContext() {
        let error = PostgresError(kind: .server, sqlState: "40001", message: "could not serialize", sent: .commit, statement: "COMMIT")
        #expect(error.description == "server [40001]: could not serialize (sent: commit, statement: COMMIT)")
    }
}
