import InDoubt
import Testing

/// Gives a Swift Testing test (or suite) a running `ComposeCluster`, whatever
/// `INDOUBT_BACKEND` says: for tests of the compose backend itself. Without Docker they
/// skip, and fail only with `INDOUBT_REQUIRE_FAULTS=1` and `INDOUBT_BACKEND=compose`.
public struct ComposeClusterTrait: TestTrait, SuiteTrait, TestScoping {
    /// Extra server settings.
    public var settings: [String: String]

    /// On a suite, one project for the whole suite.
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await FaultEnvironment.decision(for: ComposeBackend.self).enforce()
        let cluster = try await ComposeCluster.start(settings: settings)
        do {
            try await ComposeFixture.$current.withValue(cluster) { try await function() }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}

extension Trait where Self == ComposeClusterTrait {
    /// A running compose project (PostgreSQL plus the fault sidecar) for this test or suite.
    public static func composeCluster(settings: [String: String] = [:]) -> Self {
        ComposeClusterTrait(settings: settings)
    }
}

/// Access to the compose project a ``ComposeClusterTrait`` provides.
public enum ComposeFixture {
    /// The project of the enclosing trait's scope.
    @TaskLocal public static var current: ComposeCluster?

    /// The project of the enclosing trait's scope, or an error that says how to get one.
    public static func require() throws -> ComposeCluster {
        guard let current else {
            throw MissingPrerequisite(description: "no compose project here: add .composeCluster() to the test or suite")
        }
        return current
    }
}
