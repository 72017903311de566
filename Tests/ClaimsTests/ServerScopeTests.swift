import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// The scoped fixture users get: a server for the closure, gone after it.
@Suite("withServer: a server for a closure, in either framework")
struct ServerScopeTests {
    @Test("withServer runs a claim on a fresh server and removes it afterwards")
    func scopedServer() async throws {
        let (run, namespace) = try await withServer { server in
            (try await ClaimRun.run(on: server, writes: 20, faults: []), (server as? PostgresNode)?.namespace)
        }
        #expect(run.result.acknowledged == 20)
        #expect(run.tableElements.sorted() == Array(0..<20))
        if let namespace {
            let namespaces = try await Command.run(["ip", "netns", "list"]).stdout
            #expect(!namespaces.contains(namespace), "\(namespace) is still there")
        }
    }
}

final class ServerScopeXCTests: XCTestCase {
    func testWithServerRunsAClaimAndRemovesTheServer() async throws {
        let (acknowledged, namespace) = try await withServer { server in
            (try await ClaimRun.run(on: server, writes: 20, faults: []).result.acknowledged, (server as? PostgresNode)?.namespace)
        }
        XCTAssertEqual(acknowledged, 20)
        if let namespace {
            let namespaces = try await Command.run(["ip", "netns", "list"]).stdout
            XCTAssertFalse(namespaces.contains(namespace), "\(namespace) is still there")
        }
    }
}
