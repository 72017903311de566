import Foundation
import InDoubt
import Synchronization
import Testing
import XCTest

/// What a ``Claim``'s body works with: the server, runs against it, and assertions that are
/// recorded in whichever framework verifies the claim (Swift Testing issues or XCTest
/// failures), at the line that made them.
public final class ClaimContext: Sendable {
    /// Thrown by ``require(_:_:fileID:filePath:line:column:)`` after recording the failure:
    /// the claim stops there, as `try #require` stops a test.
    struct RequirementNotMet: Error {}

    /// The claim's name, for XCTest messages.
    public let claim: String
    /// The server the claim runs against.
    public let server: any ExperimentTarget
    private let recording: Recording
    private let state = Mutex(State())

    /// Where a failed assertion goes.
    enum Recording {
        /// An issue of the current Swift Testing test, at once.
        case swiftTesting
        /// An XCTest failure of the current test method, at once.
        case xcTest
        /// Into ``deferredFailures``, for an XCTest method to record later: the claim runs
        /// in a ``ClaimGroup`` while another method of its class may be XCTest's current test.
        case deferred
    }

    private struct State {
        var failures = 0
        var reports: [ClaimRun] = []
        var deferred: [ClaimFailure] = []
    }

    init(claim: String, server: any ExperimentTarget, deferred: Bool = false) {
        self.claim = claim
        self.server = server
        recording = Test.current != nil ? .swiftTesting : deferred ? .deferred : .xcTest
    }

    /// The failures a ``Recording/deferred`` context held back, in the order they happened.
    var deferredFailures: [ClaimFailure] { state.withLock { $0.deferred } }

    /// Runs the experiment against ``server`` through ``ClaimRun/run(on:writes:clients:timeout:faults:strategy:keepReport:fence:client:retryBudget:readInterval:driver:)``,
    /// keeping its report folder until the claim is over.
    ///
    /// - Parameters:
    ///   - target: What the experiment talks to instead of ``server`` itself: a wrapper of it
    ///     that changes how a fault is applied or healed (one that keeps a cut in force past
    ///     the run, say). `nil`, the default, is ``server``.
    ///   - writes: How many elements the clients write, each once.
    ///   - clients: How many clients write at once.
    ///   - timeout: Each call's deadline.
    ///   - faults: What the nemesis does, and when.
    ///   - strategy: The clients' commit protocol, and how it resolves writes in doubt.
    ///   - fence: Whether the clients' sessions are terminated before the resolution.
    ///   - client: The clients' TCP and cancel behaviour (an application's by default).
    ///   - retryBudget: How long a strategy that retries may keep trying one write.
    ///   - readInterval: How often a reader reads the whole set during the run; `nil`: never.
    ///   - driver: The client library the clients' connections go through.
    public func run(
        on target: (any ExperimentTarget)? = nil,
        writes: Int, clients: Int = 5, timeout: Duration = .milliseconds(500), faults: [FaultSchedule],
        strategy: any CommitStrategy = NaiveStrategy(), fence: Bool = true, client: ClientProfile = .application,
        retryBudget: Duration = .seconds(30), readInterval: Duration? = nil, driver: DatabaseDriver = .libpq
    ) async throws -> ClaimRun {
        let run = try await ClaimRun.run(
            on: target ?? server, writes: writes, clients: clients, timeout: timeout, faults: faults, strategy: strategy,
            keepReport: true, fence: fence, client: client, retryBudget: retryBudget, readInterval: readInterval,
            driver: driver)
        state.withLock { $0.reports.append(run) }
        return run
    }

    /// Runs `sql` over a fresh connection to ``server``.
    public func query(_ sql: String) async throws -> [PostgresRow] {
        try await ClaimRun.query(sql, on: server)
    }

    /// Records a failure unless `condition` holds.
    public func expect(
        _ condition: Bool, _ message: @autoclosure () -> String = "",
        fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        guard !condition else { return }
        let text = message()
        record(text.isEmpty ? "expectation failed" : text, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Records a failure, naming both values, unless `actual == expected`.
    public func expectEqual<T: Equatable>(
        _ actual: T, _ expected: T, _ message: @autoclosure () -> String = "",
        fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        guard actual != expected else { return }
        let text = message()
        record("expected \(expected), got \(actual)" + (text.isEmpty ? "" : ": \(text)"),
               fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// The value, or a recorded failure that ends the claim.
    public func require<T>(
        _ value: T?, _ message: @autoclosure () -> String = "",
        fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) throws -> T {
        guard let value else {
            let text = message()
            record("required value is missing" + (text.isEmpty ? "" : ": \(text)"),
                   fileID: fileID, filePath: filePath, line: line, column: column)
            throw RequirementNotMet()
        }
        return value
    }

    /// The error `body` throws, or a recorded failure that ends the claim when it throws
    /// none or another type.
    public func requireError<E: Error>(
        _ type: E.Type, _ body: () async throws -> Void,
        fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) async throws -> E {
        do {
            try await body()
        } catch let error as E {
            return error
        } catch {
            record("expected \(E.self), caught \(error)", fileID: fileID, filePath: filePath, line: line, column: column)
            throw RequirementNotMet()
        }
        record("expected \(E.self), nothing was thrown", fileID: fileID, filePath: filePath, line: line, column: column)
        throw RequirementNotMet()
    }

    private func record(_ message: String, fileID: String, filePath: StaticString, line: UInt, column: UInt) {
        let reports = state.withLock { state in
            state.failures += 1
            return state.reports.map(\.reportDescription).filter { !$0.isEmpty }
        }
        let kept = reports.isEmpty ? "" : " (" + reports.joined(separator: "; ") + ")"
        switch recording {
        case .swiftTesting:
            Issue.record(Comment(rawValue: message), sourceLocation: SourceLocation(
                fileID: fileID, filePath: String(describing: filePath), line: Int(line), column: Int(column)))
        case .xcTest:
            XCTFail("\(claim): \(message)\(kept)", file: filePath, line: line)
        case .deferred:
            let failure = ClaimFailure(message: "\(claim): \(message)\(kept)", file: filePath, line: line)
            state.withLock { $0.deferred.append(failure) }
        }
    }

    /// Removes the report folders of a claim that held; keeps them, and says where, after
    /// one that did not.
    func finish(failed: Bool) {
        let (failures, reports) = state.withLock { ($0.failures, $0.reports) }
        if failed || failures > 0 {
            for run in reports where !run.reportDescription.isEmpty { print("claim failed, \(run.reportDescription)") }
        } else {
            reports.forEach { $0.discardReport() }
        }
    }
}
