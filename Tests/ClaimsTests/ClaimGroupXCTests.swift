import Foundation
@testable import InDoubtTesting
import Synchronization
import Testing
import XCTest

/// A `ClaimGroup` runs a class's claims at once and records each one's failures in the
/// method that verifies it, not in whichever test is current while the claim runs.
final class ClaimGroupXCTests: XCTestCase {
    /// The claims of the groups below whose body has begun, by name.
    static let arrived = Mutex<Set<String>>([])
    /// Whether each claim saw its partner begin while it was itself still running, by name.
    static let met = Mutex<[String: Bool]>([:])

    /// A claim that, once its server is up, waits up to 15 s for `partner`'s body to begin.
    /// It meets the partner only if the two run at once, however long each one's server took
    /// to start: in a plain `swift test` every XCTest class's claims start theirs at the same
    /// time, and a fixed overlap (1.5 s of work each, compared by their start and end) failed
    /// there on a second server that started 2 s after the first.
    static func meeting(_ name: String, partner: String) -> Claim {
        Claim(name) { claim in
            arrived.withLock { _ = $0.insert(name) }
            let deadline = ContinuousClock.now.advanced(by: .seconds(15))
            while !arrived.withLock({ $0.contains(partner) }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let partnerBegan = arrived.withLock { $0.contains(partner) }
            met.withLock { $0[name] = partnerBegan }
            claim.expectEqual(try await claim.query("SELECT 1").first?.int(0), 1)
        }
    }

    func testAGroupStartsItsClaimsAtOnce() async throws {
        // All selected (no specifier), whatever this process's own arguments say.
        let group = ClaimGroup(of: Self.self, ["first": Self.meeting("first", partner: "second"),
                                               "second": Self.meeting("second", partner: "first")],
                               arguments: ["InDoubtPackageTests.xctest"])
        try await group.verify(method: "first")
        try await group.verify(method: "second")
        let met = Self.met.withLock { [$0["first"], $0["second"]] }
        XCTAssertEqual(met, [true, true], "the group's claims did not run at once: each saw the other begin, or not")
    }

    /// The claims of the group below that started, by name.
    static let started = Mutex<[String]>([])

    func testAGroupThatSelectsOneMethodStartsOnlyItsClaim() async throws {
        let claim = { (name: String) in Claim(name) { _ in Self.started.withLock { $0.append(name) } } }
        let group = ClaimGroup(of: Self.self, ["testOnly": claim("only"), "testOther": claim("other")],
                               arguments: ["InDoubtPackageTests.xctest", "ClaimsTests.ClaimGroupXCTests/testOnly"])
        try await group.verify(method: "testOnly()")
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(Self.started.withLock { $0 }, ["only"])
    }

    func testDeferredFailuresAreHeldForTheirMethod() async throws {
        let line: UInt = #line + 2
        let failing = Claim("a claim that fails on purpose") { claim in
            claim.expectEqual(1, 2, "on purpose")
        }
        // Recorded now, these would fail this test; held back, they come out as values.
        let failures = try await failing.verifyDeferringFailures()
        XCTAssertEqual(failures.map(\.message), ["a claim that fails on purpose: expected 2, got 1: on purpose"])
        XCTAssertEqual(failures.map(\.line), [line])
        XCTAssertEqual(failures.map { "\($0.file)" }, ["\(#filePath)"])
    }

    func testAGroupRecordsEachFailureInTheMethodThatVerifies() async throws {
        let line: UInt = #line + 1
        let failing = Claim("a grouped claim that fails on purpose") { claim in claim.expect(false, "on purpose") }
        let holding = Claim("a grouped claim that holds") { _ in }
        let group = ClaimGroup(of: Self.self, ["testFails": failing, "testHolds": holding],
                               arguments: ["InDoubtPackageTests.xctest"])
        var recorded: [String: [ClaimFailure]] = [:]
        for method in ["testHolds", "testFails", "testNotInTheGroup"] {
            try await group.verify(method: method + "()", file: #filePath, line: 1) { recorded[method, default: []].append($0) }
        }
        XCTAssertNil(recorded["testHolds"])
        XCTAssertEqual(recorded["testFails"]?.map(\.message), ["a grouped claim that fails on purpose: on purpose"])
        XCTAssertEqual(recorded["testFails"]?.map(\.line), [line])
        XCTAssertEqual(recorded["testNotInTheGroup"]?.map(\.message),
                       ["ClaimsTests.ClaimGroupXCTests.testNotInTheGroup is not in its ClaimGroup; add \"testNotInTheGroup\": its claim"])
    }

    func testAClaimThatThrowsCarriesItsEarlierFailures() async throws {
        struct Broken: Error {}
        let throwing = Claim("a claim that fails, then throws") { claim in
            claim.expect(false, "first")
            throw Broken()
        }
        do {
            _ = try await throwing.verifyDeferringFailures()
            XCTFail("the claim did not throw")
        } catch let deferred as DeferredClaimError {
            XCTAssertEqual(deferred.failures.map(\.message), ["a claim that fails, then throws: first"])
            XCTAssertTrue(deferred.error is Broken, "\(deferred.error)")
        }
    }

    func testAPlanStartsEveryGroupsClaimsAtOnce() async throws {
        let groups = PlanGroups()
        let plan = ClaimPlan(atMost: 4) { groups.all }
        let arguments = ["InDoubtPackageTests.xctest"]
        let first = ClaimGroup(of: Self.self, ["planFirst": Self.meeting("planFirst", partner: "planSecond")],
                               arguments: arguments, plan: { plan })
        let second = ClaimGroup(of: Self.self, ["planSecond": Self.meeting("planSecond", partner: "planFirst")],
                                arguments: arguments, plan: { plan })
        groups.all = [first, second]
        try await first.verify(method: "planFirst")
        try await second.verify(method: "planSecond")
        let met = Self.met.withLock { [$0["planFirst"], $0["planSecond"]] }
        XCTAssertEqual(met, [true, true], "the plan did not start both groups' claims at once: each saw the other begin, or not")
    }

    /// How many claims of the plan below were running, at most, and which ran.
    static let planTally = Mutex((running: 0, most: 0, ran: [String]()))

    func testAPlanRunsNoMoreThanItsLimitAtOnce() async throws {
        let claim = { (name: String) in
            Claim(name) { _ in
                Self.planTally.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                // The first to begin waits for a second, whose server may start seconds later
                // on a loaded machine; then each stays a second, in which a third let in
                // together with them would begin too.
                let deadline = ContinuousClock.now.advanced(by: .seconds(15))
                while Self.planTally.withLock({ $0.most }) < 2 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .seconds(1))
                Self.planTally.withLock { $0.running -= 1; $0.ran.append(name) }
            }
        }
        let groups = PlanGroups()
        let plan = ClaimPlan(atMost: 2) { groups.all }
        let arguments = ["InDoubtPackageTests.xctest"]
        let first = ClaimGroup(of: Self.self, ["one": claim("one"), "two": claim("two")], arguments: arguments, plan: { plan })
        let second = ClaimGroup(of: Self.self, ["three": claim("three"), "four": claim("four")], arguments: arguments, plan: { plan })
        groups.all = [first, second]
        for method in ["one", "two"] { try await first.verify(method: method) }
        for method in ["three", "four"] { try await second.verify(method: method) }
        let tally = Self.planTally.withLock { $0 }
        XCTAssertEqual(tally.ran.sorted(), ["four", "one", "three", "two"])
        XCTAssertEqual(tally.most, 2, "a plan of at most 2 ran \(tally.most) claims at once")
    }
}

/// The groups of a plan made inside a test: each group names the plan, so they are filled
/// in after it.
final class PlanGroups: Sendable {
    private let groups = Mutex<[ClaimGroup]>([])

    var all: [ClaimGroup] {
        get { groups.withLock { $0 } }
        set { groups.withLock { $0 = newValue } }
    }
}

/// A `ClaimGroup` in Swift Testing would record its claims' issues in whichever test started
/// it: it refuses, with an issue, and starts nothing.
@Suite("A ClaimGroup belongs to XCTest")
struct ClaimGroupInSwiftTesting {
    static let started = Mutex<[String]>([])

    @Test("Verified from Swift Testing, a ClaimGroup records an issue and starts no claim")
    func refusesSwiftTesting() async throws {
        let group = ClaimGroup(of: ClaimGroupXCTests.self, [
            "testNothing": Claim("a claim that must not start") { _ in Self.started.withLock { $0.append("started") } },
        ], arguments: ["InDoubtPackageTests.xctest"])
        await withKnownIssue {
            try await group.verify(method: "testNothing")
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.started.withLock { $0 }.isEmpty)
    }
}
