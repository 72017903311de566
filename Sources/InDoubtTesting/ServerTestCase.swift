import InDoubt
import XCTest

/// An XCTest base class whose every test gets a fresh PostgreSQL on the backend
/// `INDOUBT_BACKEND` selects (`netns` by default, or `compose`), as an `ExperimentTarget`.
///
/// Override ``serverSettings`` to shape it. Without the backend's prerequisites the test is
/// skipped (`XCTSkip`) with the reason, or fails with `INDOUBT_REQUIRE_FAULTS=1`.
open class ServerTestCase: XCTestCase {
    /// Extra server settings.
    open var serverSettings: [String: String] { [:] }

    private var server: RunningServer?

    /// The running server, or an error if `setUp` did not start one.
    public var target: any ExperimentTarget {
        get throws {
            guard let server else { throw MissingPrerequisite(description: "setUp did not start a server") }
            return server.target
        }
    }

    open override func setUp() async throws {
        try await super.setUp()
        server = try await ServerScope.start(settings: serverSettings)
    }

    open override func tearDown() async throws {
        await server?.shutdown()
        server = nil
        try await super.tearDown()
    }
}
