import InDoubt
import Testing

/// Gives a Swift Testing test (or every test of a suite) a running `NamespaceCluster`,
/// reachable through ``ClusterFixture/current``, and removes it afterwards.
///
/// ```swift
/// @Test(.namespaceCluster(nodes: 1))
/// func nodeTakesWrites() async throws {
///     let cluster = try ClusterFixture.require()
///     ...
/// }
/// ```
///
/// Without the prerequisites the test is skipped with the reason, or fails with
/// `INDOUBT_REQUIRE_FAULTS=1`.
public struct NamespaceClusterTrait: TestTrait, SuiteTrait, TestScoping {
    /// How many nodes.
    public var nodes: Int
    /// Extra server settings.
    public var settings: [String: String]

    /// On a suite, one cluster for the whole suite.
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try FaultEnvironment.decision().enforce()
        let cluster = try await NamespaceCluster.start(
            nodes: nodes, installation: try FaultEnvironment.installation(), settings: settings)
        do {
            try await ClusterFixture.$current.withValue(cluster) { try await function() }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}

extension Trait where Self == NamespaceClusterTrait {
    /// A running cluster of `nodes` PostgreSQL nodes for this test or suite.
    public static func namespaceCluster(nodes: Int = 1, settings: [String: String] = [:]) -> Self {
        NamespaceClusterTrait(nodes: nodes, settings: settings)
    }
}

/// Access to the cluster a ``NamespaceClusterTrait`` provides.
public enum ClusterFixture {
    /// The cluster of the enclosing trait's scope.
    @TaskLocal public static var current: NamespaceCluster?

    /// The cluster of the enclosing trait's scope, or an error that says how to get one.
    public static func require() throws -> NamespaceCluster {
        guard let current else {
            throw MissingPrerequisite(description: "no cluster here: add .namespaceCluster() to the test or suite")
        }
        return current
    }
}
