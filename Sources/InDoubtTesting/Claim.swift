import Foundation
import InDoubt
import Testing

/// A claim, defined once (the server it needs, the runs it makes, the assertions it checks)
/// and verified by both frameworks: a Swift Testing test and an XCTest test method each call
/// ``verify()``, and its failures are recorded in whichever framework runs it.
///
/// ```swift
/// let lostAckSurvives = Claim("My commit handling survives a lost acknowledgement") { claim in
///     let run = try await claim.run(writes: 200, faults: [
///         FaultSchedule(.dropCommitAck, start: .afterAcknowledged(50, alignedToCommit: true), duration: .seconds(1)),
///     ])
///     claim.expect(!run.result.indeterminate.isEmpty, "the fault hit the commit window")
///     claim.expectEqual(Set(run.result.unacknowledgedFound), run.unacknowledgedInTable)
/// }
///
/// @Test("My commit handling survives a lost acknowledgement")
/// func lostAck() async throws { try await lostAckSurvives.verify() }
///
/// final class MyClaims: XCTestCase {
///     func testLostAck() async throws { try await lostAckSurvives.verify() }
/// }
/// ```
public struct Claim: Sendable, CustomStringConvertible {
    /// The server a claim runs against.
    public enum Server: Sendable {
        /// A server on the backend `INDOUBT_BACKEND` selects, with these settings.
        case selected(settings: [String: String])
        /// A `PostgresNode` in a network namespace, whatever `INDOUBT_BACKEND` says: for
        /// claims that need a node another process can reach (`indoubt serve`'s kind).
        case namespaceNode(settings: [String: String])
        /// A primary and its streaming standbys on the backend `INDOUBT_BACKEND` selects
        /// (network namespaces, or the compose file's replication profile); the claim's
        /// server is the cluster (a `TopologyTarget`: `NamespaceCluster`,
        /// `ComposeCluster`), which clients reach at its current primary and which takes
        /// the topology faults.
        case replicated(Replication, settings: [String: String])
    }

    /// What the claim says, as a sentence. A Swift Testing test that verifies it must carry
    /// the same display name (``verify()`` checks).
    public let name: String
    /// The server it needs.
    public let server: Server
    private let body: @Sendable (ClaimContext) async throws -> Void

    /// Defines a claim.
    ///
    /// - Parameters:
    ///   - name: What the claim says.
    ///   - server: The server it needs (the selected backend without extra settings by default).
    ///   - body: The runs and the assertions, made through the ``ClaimContext``.
    public init(_ name: String, server: Server = .selected(settings: [:]),
                _ body: @escaping @Sendable (ClaimContext) async throws -> Void) {
        self.name = name
        self.server = server
        self.body = body
    }

    public var description: String { name }

    /// Starts the server, runs the claim, records each failed assertion in the framework
    /// running the test, and removes the server. Report folders are removed after a claim
    /// that holds and kept (their paths in the failure messages) after one that does not.
    /// Without the server's prerequisites the test is skipped, or fails with
    /// `INDOUBT_REQUIRE_FAULTS=1`.
    public func verify() async throws {
        if let test = Test.current, let shown = test.displayName, shown != name {
            Issue.record("the test's display name is not its claim's name: \"\(shown)\" verifies \"\(name)\"")
        }
        print("claim: \(name)")
        _ = try await start(deferringFailures: false)
    }

    /// Starts the server and runs the claim as ``verify()`` does, but holds its failed
    /// assertions back instead of recording them, for a ``ClaimGroup``: its claims run while
    /// another test method is XCTest's current test. A claim that throws throws a
    /// ``DeferredClaimError`` that carries the failures recorded before.
    func verifyDeferringFailures() async throws -> [ClaimFailure] {
        print("claim: \(name)")
        return try await start(deferringFailures: true)
    }

    private func start(deferringFailures: Bool) async throws -> [ClaimFailure] {
        switch server {
        case .selected(let settings):
            try await ServerScope.start(settings: settings).use { try await evaluate(on: $0.target, deferringFailures) }
        case .namespaceNode(let settings):
            try await ServerScope.start(NamespaceBackend.self, settings: settings).use { try await evaluate(on: $0.target, deferringFailures) }
        case .replicated(let replication, let settings):
            try await ServerScope.start(replication: replication, settings: settings).use {
                try await evaluate(on: $0.target, deferringFailures)
            }
        }
    }

    private func evaluate(on server: any ExperimentTarget, _ deferringFailures: Bool) async throws -> [ClaimFailure] {
        let context = ClaimContext(claim: name, server: server, deferred: deferringFailures)
        do {
            try await body(context)
        } catch is ClaimContext.RequirementNotMet {
            // Recorded where it was checked; what follows it has nothing to check.
        } catch {
            context.finish(failed: true)
            if deferringFailures { throw DeferredClaimError(failures: context.deferredFailures, error: error) }
            throw error
        }
        context.finish(failed: false)
        return context.deferredFailures
    }
}
