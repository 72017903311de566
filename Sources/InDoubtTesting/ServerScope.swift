import Foundation
import InDoubt

/// Runs `body` with a running PostgreSQL on the backend `INDOUBT_BACKEND` selects (a
/// namespace node by default, a compose project with `INDOUBT_BACKEND=compose`), and removes
/// it afterwards, whatever `body` does. Works in both frameworks:
///
/// ```swift
/// try await withServer(settings: TwoPhaseCommitStrategy.requiredSettings) { server in
///     let run = try await ClaimRun.run(on: server, writes: 150, faults: faults, strategy: TwoPhaseCommitStrategy())
///     #expect(run.result.unresolved.isEmpty)
/// }
/// ```
///
/// Without the backend's prerequisites the test is skipped with the reason (Swift Testing
/// cancels it, XCTest gets `XCTSkip`), or fails with `INDOUBT_REQUIRE_FAULTS=1`.
public func withServer<T: Sendable>(
    settings: [String: String] = [:], _ body: (any ExperimentTarget) async throws -> T
) async throws -> T {
    try await ServerScope.start(settings: settings).use { try await body($0.target) }
}

/// Starts the server of every fixture (``withServer(settings:_:)``, the
/// ``PostgresServerTrait`` and the ``ServerTestCase``) on the backend `INDOUBT_BACKEND`
/// selects from ``ServerBackendCatalog``: a new backend needs no change here.
enum ServerScope {
    /// Starts a server on the selected backend, after enforcing the fixtures' rule for
    /// missing prerequisites (``FaultEnvironment/decision(for:environment:)``); with
    /// `replication`, a primary and its standbys (a backend without the topology refuses it,
    /// and the fixture fails with its reason).
    static func start(
        replication: Replication? = nil, settings: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> RunningServer {
        let type: any ServerBackend.Type
        do {
            type = try ServerBackendCatalog.selected(environment: environment)
        } catch {
            throw MissingPrerequisite(description: String(describing: error))
        }
        return try await start(type, replication: replication, settings: settings, environment: environment)
    }

    /// Starts a server on `type`, whatever `INDOUBT_BACKEND` says, after the same check.
    static func start(
        _ type: any ServerBackend.Type, replication: Replication? = nil, settings: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> RunningServer {
        try await FaultEnvironment.decision(for: type, environment: environment).enforce()
        var request = ServerRequest.fromEnvironment(environment)
        request.replication = replication
        return try await type.init(request: request).start(settings: settings)
    }
}
