import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The one pipeline: a test starts its server, runs, analyzes and stores the run folder,
/// keeps the server's log, and removes the server, also when it fails.
@Suite("ExperimentTest: start, run, analyze, store, remove")
struct ExperimentTestTests {
    /// The namespaces this machine has now.
    static func namespaces() async throws -> String {
        try await Command.run(["ip", "netns", "list"]).stdout
    }

    @Test("A test on the netns backend stores a complete run folder with the server's log, then removes the node")
    func storesAndRemoves() async throws {
        try FaultEnvironment.decision().enforce()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ExperimentConfiguration(writes: 30, clients: 2, timeout: .seconds(10))
        configuration.outputFolder = folder
        let backend = try NamespaceBackend(request: .fromEnvironment(ProcessInfo.processInfo.environment))
        var namespace: String?
        let outcome = try await ExperimentTest(server: .start(backend), configuration: configuration).run(started: { server in
            let name = try #require((server.target as? PostgresNode)?.namespace)
            namespace = name
            let live = try await Self.namespaces()
            #expect(live.contains(name))
        })
        #expect(outcome.result.acknowledged == 30)
        #expect(outcome.result.invariantsHold)
        let results = try RunResults.read(from: RunFolder(folder).results)
        #expect(results.complete)
        #expect(results.total == 30)
        for file in [RunFolder(folder).history, RunFolder(folder).summary, RunFolder(folder).serverLog(node: "n1")] {
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) is missing")
        }
        let name = try #require(namespace)
        #expect(try await !Self.namespaces().contains(name), "the node outlived its test")
    }

    @Test("A test whose start-up hook fails removes the node and says the run failed")
    func failingHookRemovesTheServer() async throws {
        try FaultEnvironment.decision().enforce()
        struct HookFailed: Error {}
        let backend = try NamespaceBackend(request: .fromEnvironment(ProcessInfo.processInfo.environment))
        var namespace: String?
        let failure = await #expect(throws: ExperimentTest.Failure.self) {
            _ = try await ExperimentTest(server: .start(backend), configuration: ExperimentConfiguration(writes: 10, clients: 1))
                .run(started: { server in
                    namespace = (server.target as? PostgresNode)?.namespace
                    throw HookFailed()
                })
        }
        #expect(failure?.description.hasPrefix("the run failed: ") == true)
        let name = try #require(namespace)
        #expect(try await !Self.namespaces().contains(name), "the node outlived its failed test")
    }
}
