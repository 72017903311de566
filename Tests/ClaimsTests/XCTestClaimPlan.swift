import InDoubtTesting

/// Every claim group of this target's XCTest classes, started together: the first claim that
/// XCTest asks for starts the claims this run selected in all of them, twelve at a time, where
/// the classes would otherwise take turns (a plain `INDOUBT_PG=18 swift test` spent 97 s in
/// XCTest that way, most of it one class's claims waiting for the class before). The claims
/// mostly wait on faults: their times add up to about 200 s, so eight at a time took 27 s and
/// twelve take 19 s, with every claim's timing kept in five plain runs on 15–18.
enum XCTestClaimPlan {
    static let plan: ClaimPlan = ClaimPlan(atMost: 12) {
        var groups: [ClaimGroup] = [
            CancelledWaitClaimsXCTests.claims, ClientCrashRecoveryXCTests.claims, ExperimentClaimsXCTests.claims, FailoverResolutionClaimsXCTests.claims,
            LateCommitClaimsXCTests.claims, LibPQDriverClaimsXCTests.claims, ReplicationClaimsXCTests.claims,
            ResolutionClaimsXCTests.claims, RetryClaimsXCTests.claims, SilentRollbackClaimsXCTests.claims,
            TwoPhaseCommitClaimsXCTests.claims,
        ]
        #if PostgresNIO
        groups += [PostgresNIODriverClaimsXCTests.claims, SafeCommitExampleXCTests.claims]
        #endif
        return groups
    }
}
