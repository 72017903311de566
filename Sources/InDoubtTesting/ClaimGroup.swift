import Foundation
import InDoubt
import Synchronization
import Testing
import XCTest

/// The claims of one XCTest class, verified at once.
///
/// XCTest runs a class's test methods one after another, and a claim mostly waits: for its
/// server to start, for its faults to end, for its clients' deadlines. So the first method
/// that verifies a claim of the group starts every claim of the group whose method this run
/// selected (`swift test --filter` is respected), and each method then waits for its own
/// claim and records its failures, at the lines that made them, as ``Claim/verify()`` does.
/// Swift Testing runs its tests at once anyway and needs no group. The classes themselves still
/// run one after another: a ``ClaimPlan`` starts the claims of every class at once.
///
/// ```swift
/// final class MyClaims: XCTestCase {
///     static let claims = ClaimGroup(of: MyClaims.self, [
///         "testLostAcknowledgement": lostAcknowledgementSurvives,
///         "testHealthyNetwork": healthyNetworkLosesNothing,
///     ])
///     func testLostAcknowledgement() async throws { try await Self.claims.verify() }
///     func testHealthyNetwork() async throws { try await Self.claims.verify() }
/// }
/// ```
///
/// A claim started for a method that never asks for it (a key that names no method) is
/// waited for when the test bundle finishes, with a line that says so, so that no server
/// outlives the process.
public final class ClaimGroup: Sendable {
    /// The class, as XCTest names it (`Module.Class`).
    public let testCaseName: String
    private let claims: [(method: String, claim: Claim)]
    private let selection: XCTestSelection
    private let plan: (@Sendable () -> ClaimPlan)?
    private let state = Mutex(State())

    private struct State {
        var started: [String: Task<[ClaimFailure], any Error>] = [:]
        var startedSelected = false
        var awaited: Set<String> = []
        var observer: BundleEndObserver?
    }

    /// A group of `testCase`'s claims, each under the name of the test method that verifies
    /// it.
    ///
    /// - Parameters:
    ///   - testCase: The class whose methods verify the claims.
    ///   - claims: Each test method's name (`"testLostAcknowledgement"`) and its claim.
    ///   - arguments: The process's arguments, which say which methods run.
    ///   - plan: The plan whose groups start together (``ClaimPlan``), if any: the first claim
    ///     that one of them verifies starts the selected claims of all of them.
    public init(
        of testCase: XCTestCase.Type, _ claims: KeyValuePairs<String, Claim>,
        arguments: [String] = CommandLine.arguments, plan: (@Sendable () -> ClaimPlan)? = nil
    ) {
        testCaseName = String(reflecting: testCase)
        self.claims = claims.map { (method: $0.key, claim: $0.value) }
        selection = XCTestSelection.of(testCaseName, arguments: arguments)
        self.plan = plan
    }

    /// Verifies the claim of the calling test method: starts the group's claims if none has
    /// started yet, waits for this one, and records its failures in the current test (or
    /// throws its error, `XCTSkip` included).
    ///
    /// - Parameters:
    ///   - method: The test method's name, `testX` or `testX()` (the caller's, by default).
    ///   - file: Where a method missing from the group is reported.
    ///   - line: Where a method missing from the group is reported.
    public func verify(method: String = #function, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await verify(method: method, file: file, line: line) { XCTFail($0.message, file: $0.file, line: $0.line) }
    }

    /// ``verify(method:file:line:)``, with each failure handed to `record` (XCTest's, there).
    func verify(
        method: String, file: StaticString, line: UInt, recordingWith record: (ClaimFailure) -> Void
    ) async throws {
        let name = method.hasSuffix("()") ? String(method.dropLast(2)) : method
        // Its claims' tasks would inherit this test, and record their issues in it.
        if Test.current != nil {
            Issue.record("a ClaimGroup is for XCTest: in Swift Testing, call verify() on the claim (\(testCaseName).\(name))")
            return
        }
        guard claims.contains(where: { $0.method == name }) else {
            record(ClaimFailure(message: "\(testCaseName).\(name) is not in its ClaimGroup; add \"\(name)\": its claim",
                                file: file, line: line))
            return
        }
        let task = startClaims(andAlso: name)
        do {
            try await task.value.forEach(record)
        } catch let deferred as DeferredClaimError {
            deferred.failures.forEach(record)
            throw deferred.error
        }
    }

    /// Starts the selected claims (the first time, with those of the whole plan if the group
    /// has one) and `method`'s (whether selected or not), and returns `method`'s task.
    private func startClaims(andAlso method: String) -> Task<[ClaimFailure], any Error> {
        let plan = plan?()
        plan?.start()
        let (task, startedNow) = state.withLock { state in
            var startedNow = startSelected(in: &state, through: plan?.gate)
            if state.started[method] == nil, let entry = claims.first(where: { $0.method == method }) {
                state.started[method] = Self.task(verifying: entry.claim, through: plan?.gate)
                startedNow.append(method)
            }
            state.awaited.insert(method)
            return (state.started[method]!, startedNow)
        }
        report(startedNow)
        return task
    }

    /// Starts the claims this run selected, the first time it is called, each waiting for a
    /// place at `gate`; returns how many it started.
    func startSelected(through gate: AsyncGate) -> Int {
        let startedNow = state.withLock { startSelected(in: &$0, through: gate) }
        report(startedNow)
        return startedNow.count
    }

    private func startSelected(in state: inout State, through gate: AsyncGate?) -> [String] {
        guard !state.startedSelected else { return [] }
        state.startedSelected = true
        var startedNow: [String] = []
        for entry in claims where selection.contains(entry.method) && state.started[entry.method] == nil {
            state.started[entry.method] = Self.task(verifying: entry.claim, through: gate)
            startedNow.append(entry.method)
        }
        state.observer = BundleEndObserver(group: self)
        return startedNow
    }

    private static func task(verifying claim: Claim, through gate: AsyncGate?) -> Task<[ClaimFailure], any Error> {
        guard let gate else { return Task { try await claim.verifyDeferringFailures() } }
        return Task { try await gate.pass { try await claim.verifyDeferringFailures() } }
    }

    private func report(_ startedNow: [String]) {
        if startedNow.count > 1 {
            print("claims: \(testCaseName) starts \(startedNow.count) claims at once: \(startedNow.joined(separator: ", "))")
        }
    }

    /// The claims started for a method that never asked for its result.
    fileprivate func unawaited() -> [(method: String, task: Task<[ClaimFailure], any Error>)] {
        state.withLock { state in
            state.started.filter { !state.awaited.contains($0.key) }.map { (method: $0.key, task: $0.value) }
                .sorted { $0.method < $1.method }
        }
    }
}

/// Waits, when the test bundle finishes, for the claims of a group that no method awaited,
/// so that each one's server is removed before the process exits.
private final class BundleEndObserver: NSObject, XCTestObservation, @unchecked Sendable {
    private weak var group: ClaimGroup?

    init(group: ClaimGroup) {
        self.group = group
        super.init()
        XCTestObservationCenter.shared.addTestObserver(self)
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        guard let group else { return }
        for (method, task) in group.unawaited() {
            print("claims: \(group.testCaseName).\(method) started, but no test method of that name waited for it; waiting now")
            let done = DispatchSemaphore(value: 0)
            Task {
                _ = try? await task.value
                done.signal()
            }
            done.wait()
        }
    }
}
