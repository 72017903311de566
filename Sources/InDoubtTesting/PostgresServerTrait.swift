import InDoubt
import Testing

/// Gives a Swift Testing test a running PostgreSQL on the backend `INDOUBT_BACKEND` selects
/// (a namespace node by default, a compose project with `INDOUBT_BACKEND=compose`),
/// reachable through ``ServerFixture/require()`` as an `ExperimentTarget`, and removes it
/// afterwards.
///
/// ```swift
/// @Test(.postgresServer())
/// func claim() async throws {
///     let server = try ServerFixture.require()
///     let outcome = try await Experiment(configuration: configuration, target: server).run()
/// }
/// ```
///
/// Without the backend's prerequisites the test is skipped with the reason, or fails with
/// `INDOUBT_REQUIRE_FAULTS=1`.
public struct PostgresServerTrait: TestTrait, SuiteTrait, TestScoping {
    /// Extra server settings.
    public var settings: [String: String]

    /// On a suite, one server for the whole suite.
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await ServerScope.start(settings: settings).use { server in
            try await ServerFixture.$current.withValue(server.target) { try await function() }
        }
    }
}

extension Trait where Self == PostgresServerTrait {
    /// A running PostgreSQL on the backend `INDOUBT_BACKEND` selects, for this test or suite.
    public static func postgresServer(settings: [String: String] = [:]) -> Self {
        PostgresServerTrait(settings: settings)
    }
}

/// Access to the server a ``PostgresServerTrait`` provides.
public enum ServerFixture {
    /// The server of the enclosing trait's scope.
    @TaskLocal public static var current: (any ExperimentTarget)?

    /// The server of the enclosing trait's scope, or an error that says how to get one.
    public static func require() throws -> any ExperimentTarget {
        guard let current else {
            throw MissingPrerequisite(description: "no server here: add .postgresServer() to the test or suite")
        }
        return current
    }
}
