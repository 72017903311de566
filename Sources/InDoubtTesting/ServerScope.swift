import InDoubt
import Testing
import XCTest

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
    let backend = try ServerBackend.selected()
    switch await FaultEnvironment.decision(for: backend) {
    case .run: break
    case .skip(let reason):
        if Test.current != nil { try Test.cancel(Comment(rawValue: reason)) }
        throw XCTSkip(reason)
    case .fail(let reason): throw MissingPrerequisite(description: reason)
    }
    return try await ServerScope.run(backend: backend, settings: settings) { server, _ in try await body(server) }
}

/// Starts and removes the server of every fixture: ``withServer(settings:_:)``, the
/// ``PostgresServerTrait`` and the ``ServerTestCase`` use it.
enum ServerScope {
    /// A running server on `backend` for `body` (with its compose project, on compose).
    static func run<T: Sendable>(
        backend: ServerBackend, settings: [String: String],
        _ body: (any ExperimentTarget, ComposeCluster?) async throws -> T
    ) async throws -> T {
        let (server, compose, stop) = try await start(backend: backend, settings: settings)
        do {
            let value = try await body(server, compose)
            await stop()
            return value
        } catch {
            await stop()
            throw error
        }
    }

    /// Starts a server on `backend`; returns it and how to remove it. Compose projects are
    /// limited to ``ComposeCapacity`` at once: more than two on two cores fail the claims.
    static func start(backend: ServerBackend, settings: [String: String]) async throws
        -> (any ExperimentTarget, ComposeCluster?, @Sendable () async -> Void) {
        switch backend {
        case .netns:
            let cluster = try await NamespaceCluster.start(
                nodes: 1, installation: try FaultEnvironment.installation(), settings: settings)
            return (cluster.nodes[0], nil, { await cluster.shutdown() })
        case .compose:
            await ComposeCapacity.shared.acquire()
            do {
                let cluster = try await ComposeCluster.start(settings: settings)
                return (cluster.node, cluster, {
                    await cluster.shutdown()
                    await ComposeCapacity.shared.release()
                })
            } catch {
                await ComposeCapacity.shared.release()
                throw error
            }
        }
    }
}
