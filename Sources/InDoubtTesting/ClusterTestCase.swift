import InDoubt
import XCTest

/// An XCTest base class whose every test gets a fresh running `NamespaceCluster`.
///
/// Override ``nodeCount`` or ``serverSettings`` to shape it. Without the prerequisites the
/// test is skipped (`XCTSkip`) with the reason, or fails with `INDOUBT_REQUIRE_FAULTS=1`.
open class ClusterTestCase: XCTestCase {
    /// How many nodes each test gets.
    open var nodeCount: Int { 1 }
    /// Extra server settings.
    open var serverSettings: [String: String] { [:] }

    private var runningCluster: NamespaceCluster?

    /// The running cluster, or an error if `setUp` did not start one.
    public var cluster: NamespaceCluster {
        get throws {
            guard let runningCluster else { throw MissingPrerequisite(description: "setUp did not start a cluster") }
            return runningCluster
        }
    }

    open override func setUp() async throws {
        try await super.setUp()
        try FaultEnvironment.decision().enforce()
        runningCluster = try await NamespaceCluster.start(
            nodes: nodeCount, installation: try FaultEnvironment.installation(), settings: serverSettings)
    }

    open override func tearDown() async throws {
        await runningCluster?.shutdown()
        runningCluster = nil
        try await super.tearDown()
    }
}
