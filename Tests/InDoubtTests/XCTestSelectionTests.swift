import Testing
@testable import InDoubtTesting

/// Which methods a `ClaimGroup` starts, read from the arguments SwiftPM gives the bundle.
@Suite("XCTest's selection, read from the bundle's arguments")
struct XCTestSelectionTests {
    static let bundle = "/work/.build/debug/InDoubtPackageTests.xctest"

    @Test("No specifier runs every method")
    func noSpecifierRunsAll() {
        #expect(XCTestSelection.of("ClaimsTests.LateCommitClaimsXCTests", arguments: [Self.bundle]) == .all)
        #expect(XCTestSelection.of("ClaimsTests.LateCommitClaimsXCTests", arguments: [Self.bundle, "--some-flag"]) == .all)
    }

    @Test("A filtered run lists its methods, comma-separated; only this class's count")
    func filteredRunSelectsItsMethods() {
        let selection = XCTestSelection.of("ClaimsTests.LateCommitClaimsXCTests", arguments: [
            Self.bundle,
            "ClaimsTests.LateCommitClaimsXCTests/testFencedLedgerVerdictsHold,ClaimsTests.RetryClaimsXCTests/testX,"
                + "ClaimsTests.LateCommitClaimsXCTests/testUnfencedLedgerMisresolves",
        ])
        #expect(selection == .methods(["testFencedLedgerVerdictsHold", "testUnfencedLedgerMisresolves"]))
        #expect(selection.contains("testUnfencedLedgerMisresolves"))
        #expect(!selection.contains("testX"))
    }

    @Test("The parallel runner's one specifier per process selects one method")
    func parallelRunnerSelectsOne() {
        let selection = XCTestSelection.of("ClaimsTests.ReplicationClaimsXCTests", arguments: [
            Self.bundle, "ClaimsTests.ReplicationClaimsXCTests/testR2SyncFailoverLosesNothingAcknowledged",
        ])
        #expect(selection == .methods(["testR2SyncFailoverLosesNothingAcknowledged"]))
    }

    @Test("The class or its module named whole selects every method; another class's methods select none")
    func wholeClassOrModule() {
        let name = "ClaimsTests.RetryClaimsXCTests"
        #expect(XCTestSelection.of(name, arguments: [Self.bundle, "ClaimsTests.RetryClaimsXCTests"]) == .all)
        #expect(XCTestSelection.of(name, arguments: [Self.bundle, "ClaimsTests"]) == .all)
        #expect(XCTestSelection.of(name, arguments: [Self.bundle, "ClaimsTests.RetryClaimsXCTestsMore/testA"]) == .methods([]))
        #expect(XCTestSelection.of(name, arguments: [Self.bundle, "InDoubtTests.CheckerXCTests"]) == .methods([]))
    }
}
