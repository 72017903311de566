import InDoubt
import XCTest

/// An XCTest base class whose every test gets a fresh PostgreSQL on the backend
/// `INDOUBT_BACKEND` selects (`netns` by default, or `compose`), as an ``ExperimentTarget``.
///
/// Override ``serverSettings`` to shape it. Without the backend's prerequisites the test is
/// skipped (`XCTSkip`) with the reason, or fails with `INDOUBT_REQUIRE_FAULTS=1`.
open class ServerTestCase: XCTestCase {
    /// Extra server settings.
    open var serverSettings: [String: String] { [:] }

    private var server: (any ExperimentTarget)?
    private var stop: (@Sendable () async -> Void)?

    /// The running server, or an error if `setUp` did not start one.
    public var target: any ExperimentTarget {
        get throws {
            guard let server else { throw MissingPrerequisite(description: "setUp did not start a server") }
            return server
        }
    }

    open override func setUp() async throws {
        try await super.setUp()
        let backend = try ServerBackend.selected()
        switch await FaultEnvironment.decision(for: backend) {
        case .run: break
        case .skip(let reason): throw XCTSkip(reason)
        case .fail(let reason): throw MissingPrerequisite(description: reason)
        }
        let (server, _, stop) = try await ServerScope.start(backend: backend, settings: serverSettings)
        self.server = server
        self.stop = stop
    }

    open override func tearDown() async throws {
        await stop?()
        stop = nil
        server = nil
        try await super.tearDown()
    }
}
